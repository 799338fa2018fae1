"""The browser suite: Debian's Chromium driven by Playwright against a live Ilm server.

* `site_server`: the site served in a thread of this process, the way production serves it
  as far as bytes go: responses gzip-compressed (GZipMiddleware outermost, standing in for
  the reverse proxy's `gzip on`) and static files served by WhiteNoise. pytest-django's own
  `live_server` serves uncompressed, so a transfer size measured there would be wrong.
* `browser` (one per session), `page` (a fresh context per test), `page_as(user)` (logged in
  by session cookie), `assert_accessible(page)` (axe-core: no serious or critical issues).
* A failing test leaves a full-page screenshot and the page's HTML under
  `test-output/browser/`.

Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests are
synchronous, so that is safe here; it is set only while the browser is up, so the other
suites keep Django's guard.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

CHROMIUM = os.environ.get("ILM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Host names of one site for the live server (test_offline_h5p: the site and the H5P
    # origin are two hosts of `ilm.localhost`, same-site but cross-origin, as in production).
    "--host-resolver-rules=MAP *.ilm.localhost 127.0.0.1",
]
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT_DIR = Path(settings.BASE_DIR) / "test-output" / "browser"
STEP_TIMEOUT_MS = 20_000  # one click or navigation; a bound, not a performance claim


def pytest_collection_modifyitems(config, items):
    # Every test in this folder is a browser test, committed to the database (the server runs
    # in another thread), with Wagtail's initial pages restored after each flush.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


# --- the server ---------------------------------------------------------------------------


class CompressedLiveServer:
    """Django's LiveServerThread around a handler built with compression on."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections
        from django.test.testcases import LiveServerThread

        middleware = ["django.middleware.gzip.GZipMiddleware", *settings.MIDDLEWARE]
        # The middleware chain and WhiteNoise's file index are built when the handler is:
        # the overrides only need to hold while it is constructed.
        with override_settings(MIDDLEWARE=middleware, WHITENOISE_USE_FINDERS=True):
            handler = WSGIHandler()
        # An in-memory SQLite test database is shared with the server thread, as
        # pytest-django's live_server does.
        self.connections_override = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        self.thread = LiveServerThread(
            "127.0.0.1",
            static_handler=lambda _default_app: handler,
            connections_override=self.connections_override,
        )
        self.thread.daemon = True

    def start(self) -> CompressedLiveServer:
        for conn in self.connections_override.values():
            conn.inc_thread_sharing()
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            self.stop()
            raise self.thread.error
        return self

    def stop(self) -> None:
        self.thread.terminate()
        for conn in self.connections_override.values():
            conn.dec_thread_sharing()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.thread.port}"


@pytest.fixture(scope="session")
def site_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = CompressedLiveServer().start()
    try:
        yield server
    finally:
        server.stop()


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (make test-browser does)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _save_failure(request, page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(OUTPUT_DIR / f"{name}.png"), full_page=True)
        (OUTPUT_DIR / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # a crashed page must not hide the test's own failure
        print(f"could not save a screenshot of {request.node.nodeid}: {error}")
    else:
        print(f"screenshot: {OUTPUT_DIR / name}.png")


@pytest.fixture
def new_page(browser, site_server, request):
    """Open pages in fresh contexts (no shared cookies or cache); screenshots on failure."""
    pages = []

    def make(*, axe: bool = True, **context_options):
        context = browser.new_context(base_url=site_server.url, locale="en-GB", **context_options)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        if axe:
            if not AXE_SCRIPT.exists():
                pytest.fail(f"{AXE_SCRIPT} is missing: run `make npm` (npm ci in tests/browser)")
            # An init script runs without touching the page's CSP, which stays in force.
            context.add_init_script(path=str(AXE_SCRIPT))
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    for page in pages:
        _save_failure(request, page)
        page.context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, user, *, base_url: str) -> None:
    """Log `user` in by handing the browser a session made on the server side (the login
    form itself is exercised by the learner journey)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.fixture
def page_as(new_page, site_server):
    """`page_as(user)`: a page whose browser is logged in as `user`."""

    def make(user, **options):
        page = new_page(**options)
        log_in(page, user, base_url=site_server.url)
        return page

    return make


# --- accessibility ------------------------------------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return serious and critical violations."""
    results = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in results if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in violations
    )
