"""The demo `make run` serves: the development settings with debug off.

Readers of the demo see the product's own translated error pages (403, 404, 500), not
Django's technical ones, which list every URL pattern. Static files come from STATIC_ROOT
through WhiteNoise (`make run` collects them first), as in production.
"""

from .dev import *  # noqa: F403

DEBUG = False
