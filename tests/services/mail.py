"""Email that a worker process sends and the test process reads: one file per message.

Workers load `tests.services.mail_settings`, which points the default mailer at
`MessageFileBackend` in the directory named by `SERVICES_MAIL_DIR`. The locmem outbox lives in
the worker's memory, and Django's file backend appends messages of one connection to one file;
a file per message is easy to count. `hold_at` lets a test stop a worker just before a given
message reaches the "mail server", the moment to kill it.
"""

from __future__ import annotations

import email
import time
import uuid
from email.message import Message
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

HOLD_SECONDS = 120.0


class MessageFileBackend(BaseEmailBackend):
    """Writes each message to `<directory>/<uuid>.eml` (after `delay` seconds).

    With `hold_at` N, the message that would be the (N+1)th in the directory waits, before it
    is written, until `<directory>/release` exists; `<directory>/holding` says it is waiting.
    """

    def __init__(self, *, directory: str, delay: float = 0.0, hold_at: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)
        self.delay = delay
        self.hold_at = hold_at

    def send_messages(self, messages) -> int:
        for message in messages:
            if self.hold_at >= 0 and len(sent_messages(self.directory)) == self.hold_at:
                self._hold()
            time.sleep(self.delay)
            path = self.directory / f"{uuid.uuid4().hex}.eml"
            # Written under another name and renamed: a reader never sees half a message.
            partial = path.with_suffix(".partial")
            partial.write_bytes(message.message().as_bytes())
            partial.rename(path)
        return len(messages)

    def _hold(self) -> None:
        (self.directory / "holding").touch()
        deadline = time.monotonic() + HOLD_SECONDS
        while not (self.directory / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


def sent_messages(directory: Path) -> list[Message]:
    return [email.message_from_bytes(path.read_bytes()) for path in directory.glob("*.eml")]
