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
