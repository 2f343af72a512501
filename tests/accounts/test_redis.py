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


def test_on_redis_a_login_costs_one_round_trip_each_way_and_still_throttles(redis_cache, settings, monkeypatch):
    """Counting is pipelined: one round trip to count both counters, one to uncount; Retry-After from the TTL."""
    from accounts import throttle

    settings.LOGIN_THROTTLE_USER_LIMIT = 2
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 600
    client = throttle._redis()
    executed: list[int] = []
    real_pipeline = client.pipeline

    def counting_pipeline(*args, **kwargs):
        pipe = real_pipeline(*args, **kwargs)
        real_execute = pipe.execute

        def execute(*a, **k):
            executed.append(len(pipe.command_stack))
            return real_execute(*a, **k)

        pipe.execute = execute
        return pipe

    monkeypatch.setattr(client, "pipeline", counting_pipeline)
    monkeypatch.setattr(throttle, "_redis", lambda: client)

    for _ in range(5):  # five good logins: each counted and uncounted
        throttle.login_attempt_begin(username="ann", address="10.0.0.1")
        throttle.login_attempt_succeeded(username="ann", address="10.0.0.1")
    throttle.login_attempt_begin(username="ann", address="10.0.0.1")  # two failures
    throttle.login_attempt_begin(username="ann", address="10.0.0.1")
    with pytest.raises(throttle.TooManyRequests) as refused:
        throttle.login_attempt_begin(username="ann", address="10.0.0.1")

    assert executed == [6, 2] * 5 + [6, 6, 6]
    assert 590 <= refused.value.retry_after <= 600
    assert redis_cache.get(throttle._counters(username="ann", address="")[0][0]) == 3
