"""Shared fixtures. Each app's tests add their own API-client fixtures in their folder's conftest."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files written by a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_argon2(settings):
    """Argon2 still, with test-sized cost parameters (tests/hashers.py)."""
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles and rate limits live in the cache: each test starts from a clean one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL itself; on SQLite they skip with a reason."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL: the postgres tests would skip.")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it there")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def browser_page(live_server):
    """A page of Debian's headless chromium, driven by Playwright, for tests against ``live_server``.

    ``playwright install`` cannot download a browser here, so the system binary is launched
    (CHROMIUM_PATH, default /usr/bin/chromium; .ci/run installs the package).
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: install Debian's chromium package or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
