import time

import pytest

from accounts.throttle import login_throttle_reset
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 3
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 5
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    return settings


def _login(client, name, password, address="10.0.0.1"):
    return client.post("/login", {"userName": name, "password": password}, format="json", REMOTE_ADDR=address)


def test_repeated_wrong_passwords_get_429_with_retry_after_even_for_the_right_one(anonymous, user, limits):
    wrong = [_login(anonymous, "ann", f"guess-{n}") for n in range(3)]

    throttled = _login(anonymous, "ann", PASSWORD)

    assert [r.status_code for r in wrong] == [401, 401, 401]
    assert throttled.status_code == 429
    assert throttled.json() == {
        "id": "TOO_MANY_REQUESTS",
        "message": "Too many failed attempts; try again later.",
        "data": {"retryAfter": int(throttled["Retry-After"])},
    }
    assert 890 <= int(throttled["Retry-After"]) <= 900


def test_the_right_password_works_again_once_the_window_has_passed(anonymous, user, limits, monkeypatch):
    for n in range(4):
        _login(anonymous, "ann", f"guess-{n}")
    assert _login(anonymous, "ann", PASSWORD).status_code == 429
    later = time.time() + 901

    monkeypatch.setattr(time, "time", lambda: later)
    response = _login(anonymous, "ann", PASSWORD)

    assert response.status_code == 200


def test_resetting_the_counter_lets_the_user_in(anonymous, user, limits):
    for n in range(4):
        _login(anonymous, "ann", f"guess-{n}")

    login_throttle_reset(username="ann")

    assert _login(anonymous, "ann", PASSWORD).status_code == 200


def test_the_user_name_limit_follows_the_name_to_any_address_and_case(anonymous, user, limits):
    for n in range(3):
        _login(anonymous, "ann", f"guess-{n}", address=f"10.0.1.{n}")

    response = _login(anonymous, "ANN", PASSWORD, address="10.9.9.9")

    assert response.status_code == 429


def test_other_users_are_not_affected(anonymous, user, other_user, limits):
    for n in range(4):
        _login(anonymous, "ann", f"guess-{n}")

    response = _login(anonymous, "bob", PASSWORD, address="10.0.0.2")

    assert response.status_code == 200


def test_the_address_limit_covers_many_user_names(anonymous, user, limits):
    for n in range(5):
        _login(anonymous, f"someone{n}", "guess")

    from_there = _login(anonymous, "ann", PASSWORD)
    from_elsewhere = _login(anonymous, "ann", PASSWORD, address="10.0.0.99")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 200


def test_successful_logins_do_not_count(anonymous, user, limits):
    responses = [_login(anonymous, "ann", PASSWORD) for _ in range(6)]

    assert [r.status_code for r in responses] == [200] * 6


def test_unknown_user_names_are_throttled_like_known_ones(anonymous, limits):
    responses = [_login(anonymous, "ghost", "guess") for _ in range(4)]

    assert [r.status_code for r in responses] == [401, 401, 401, 429]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_cannot_slip_under_the_limit(limits):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from rest_framework.test import APIClient

    UserFactory(username="ann")

    def attempt(n):
        try:
            return _login(APIClient(), "ann", f"guess-{n}", address=f"10.1.0.{n}").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(12)))

    assert sorted(codes) == [401] * 3 + [429] * 9


def test_a_client_that_logs_in_on_every_call_costs_one_cache_call_per_counter_each_way(monkeypatch, limits):
    """OCS clients send Basic credentials on every request: counting them must stay cheap (4 round trips)."""
    from accounts import throttle

    throttle.login_attempt_begin(username="ann", address="10.0.0.1")
    throttle.login_attempt_succeeded(username="ann", address="10.0.0.1")
    calls: list[str] = []
    real = throttle.cache

    class Counting:
        def __getattr__(self, name):
            method = getattr(real, name)

            def counted(*args, **kwargs):
                calls.append(name)
                return method(*args, **kwargs)

            return counted

    monkeypatch.setattr(throttle, "cache", Counting())
    throttle.login_attempt_begin(username="ann", address="10.0.0.1")
    throttle.login_attempt_succeeded(username="ann", address="10.0.0.1")

    assert calls == ["incr", "incr", "decr", "decr"]
