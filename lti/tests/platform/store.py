"""The platform's memory: JSON documents by kind and key in a SQLite file of its own.

A real LMS has tables for deployments, links, line items and grades; a test platform needs
only to keep what it was told and answer it back, so one table of JSON documents will do.
"""

from __future__ import annotations

import json
import sqlite3
import threading

_lock = threading.Lock()
_connection: sqlite3.Connection | None = None


def open_store(path: str) -> None:
    global _connection
    _connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    _connection.execute(
        "CREATE TABLE IF NOT EXISTS documents ("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL,"
        " data TEXT NOT NULL, UNIQUE (kind, key))"
    )


def put(kind: str, key: str, data: dict) -> dict:
    with _lock:
        _connection.execute(
            "INSERT INTO documents (kind, key, data) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
            (kind, key, json.dumps(data)),
        )
    return data


def get(kind: str, key: str) -> dict | None:
    with _lock:
        row = _connection.execute(
            "SELECT data FROM documents WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
    return json.loads(row[0]) if row else None


def every(kind: str) -> list[dict]:
    with _lock:
        rows = _connection.execute(
            "SELECT data FROM documents WHERE kind = ? ORDER BY seq", (kind,)
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def delete(kind: str, key: str) -> bool:
    with _lock:
        cursor = _connection.execute(
            "DELETE FROM documents WHERE kind = ? AND key = ?", (kind, key)
        )
    return cursor.rowcount > 0


def take(kind: str, key: str) -> dict | None:
    """Remove and return a document in one step (single-use tokens, nonces)."""
    with _lock:
        row = _connection.execute(
            "DELETE FROM documents WHERE kind = ? AND key = ? RETURNING data", (kind, key)
        ).fetchone()
    return json.loads(row[0]) if row else None


def add_if_absent(kind: str, key: str, data: dict) -> bool:
    """Store `data` unless the key is taken; False when it was (a replayed `jti`)."""
    with _lock:
        cursor = _connection.execute(
            "INSERT OR IGNORE INTO documents (kind, key, data) VALUES (?, ?, ?)",
            (kind, key, json.dumps(data)),
        )
    return cursor.rowcount > 0
