"""With REDIS_URL set, sessions and login throttles live in Redis, shared by every app process."""

import os

import pytest

from accounts.services import session_store
from accounts.throttle import login_throttle_reset
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")


@pytest.fixture
def redis_cache(settings):
    if not REDIS_TEST_URL:
        pytest.skip("needs Redis (set REDIS_TEST_URL); CI sets it")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "accounts-tests",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    from django.core.cache import cache

    cache.delete_pattern("*")  # only this test's prefix: the Redis database may be shared
    yield cache
    cache.delete_pattern("*")


def test_a_session_lives_in_redis_and_ends_there(redis_cache, anonymous, login, session_client, user):
    session_id = login(user)
    client = session_client(session_id)

    seen_by_another_process = session_store(session_id).exists(session_id)
    info = client.get("/user-info")
    client.post("/logout")

    assert seen_by_another_process
    assert info.status_code == 200
    assert not session_store(session_id).exists(session_id)
    assert client.get("/user-info").status_code == 401


def test_the_login_throttle_counts_in_redis(redis_cache, anonymous, user, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 2

    codes = [
        anonymous.post("/login", {"userName": "ann", "password": f"guess-{n}"}, format="json").status_code
        for n in range(3)
    ]
    login_throttle_reset(username="ann")
    after_reset = anonymous.post("/login", {"userName": "ann", "password": PASSWORD}, format="json")

    assert codes == [401, 401, 429]
    assert after_reset.status_code == 200
