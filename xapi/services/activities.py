"""The canonical Activity definitions of a university's partition (Data 2.4.4.1).

Statements carry definitions; the LRS keeps one merged definition per activity, which the
Activities resource and the `canonical` statement format return.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from ..models import Activity, value_hash


def _merge_definition(existing: dict, incoming: dict) -> dict:
    """Canonical definition: later statements add languages and replace other properties."""
    merged = dict(existing)
    for key, value in incoming.items():
        if key in {"name", "description"} and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_with_definitions(statement: dict) -> Iterable[dict]:
    def from_body(body: dict) -> Iterable[dict]:
        obj = body["object"]
        if obj.get("objectType", "Activity") == "Activity":
            yield obj
        elif obj.get("objectType") == "SubStatement":
            yield from from_body(obj)
        for entries in ((body.get("context") or {}).get("contextActivities") or {}).values():
            yield from entries

    for activity in from_body(statement):
        if activity.get("definition"):
            yield activity


def _incoming_definitions(statements: list[dict]) -> dict[str, dict]:
    incoming: dict[str, dict] = {}
    for statement in statements:
        for activity in _activities_with_definitions(statement):
            incoming[activity["id"]] = _merge_definition(
                incoming.get(activity["id"], {}), activity["definition"]
            )
    return incoming


def defined_activity_hashes(statements: list[dict]) -> list[str]:
    """The `iri_hash`es of the activities `statements` define: what a caller reads to pass
    `current` to `activity_definitions_update`."""
    return [value_hash(iri) for iri in _incoming_definitions(statements)]


def activity_definitions_update(
    *, statements: list[dict], university_id: int | None, current: dict[str, dict] | None = None
) -> None:
    """Merge the definitions `statements` carry into the university's canonical ones.

    Runs inside the statement store's transaction: it locks the activity rows it changes.
    `current` is the stored definitions (iri_hash → definition) of `defined_activity_hashes`
    when the caller has already read them in this transaction, unlocked; else they are read
    here.
    """
    incoming = _incoming_definitions(statements)
    if not incoming:
        return
    hashes = {value_hash(iri): iri for iri in incoming}
    # Most statements repeat definitions the LRS already holds: when every row exists and no
    # merge would change it, one unlocked read settles it. Read committed, that is the same
    # as applying these statements right after the state read, which changed nothing.
    if current is None:
        current = dict(
            Activity.objects.filter(
                university_id=university_id, iri_hash__in=list(hashes)
            ).values_list("iri_hash", "definition")
        )
    if len(current) == len(hashes) and all(
        _merge_definition(current[h], incoming[iri]) == current[h] for h, iri in hashes.items()
    ):
        return
    # Insert missing rows first (ignoring ones a concurrent request just inserted), then lock
    # all of them in one order, so concurrent batches about the same activities neither
    # collide on the unique constraint nor deadlock.
    Activity.objects.bulk_create(
        [
            Activity(university_id=university_id, iri_hash=h, iri=iri, definition={})
            for h, iri in hashes.items()
        ],
        ignore_conflicts=True,
    )
    locked = (
        Activity.objects.select_for_update()
        .filter(university_id=university_id, iri_hash__in=list(hashes))
        .order_by("iri_hash")
    )
    to_update = []
    for activity in locked:
        merged = _merge_definition(activity.definition, incoming[hashes[activity.iri_hash]])
        if merged != activity.definition:
            activity.definition = merged
            activity.updated = timezone.now()  # bulk_update skips auto_now
            to_update.append(activity)
    if to_update:
        Activity.objects.bulk_update(to_update, ["definition", "updated"])
