"""Test settings for workers whose email the test reads back (see `tests.services.mail`)."""

import os

from lms.settings.test import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "tests.services.mail.MessageFileBackend",
        "OPTIONS": {
            "directory": os.environ["SERVICES_MAIL_DIR"],
            "delay": float(os.environ.get("SERVICES_MAIL_DELAY", "0")),
            "hold_at": int(os.environ.get("SERVICES_MAIL_HOLD_AT", "-1")),
        },
    }
}
