"""Throttling of failed logins, per user name and per client address, in the shared cache.

Each attempt is counted before the password is checked (an atomic increment in the cache, so parallel
attempts cannot all slip under the limit) and a successful one is uncounted afterwards; so the counters
hold the failures of the current window. Once a counter passes its limit (``LOGIN_THROTTLE_USER_LIMIT``,
``LOGIN_THROTTLE_ADDRESS_LIMIT``), every attempt is refused with ``TooManyRequests`` until the window
(``LOGIN_THROTTLE_WINDOW_SECONDS``, counted from the first failure) has passed. The user-name counter
follows the name (any case) to every address; other users are not affected.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from accounts.errors import TooManyRequests

_PREFIX = "accounts:login-failures"


def _counters(*, username: str, address: str) -> list[tuple[str, int]]:
    name = hashlib.sha256(username.casefold().encode("utf-8", "surrogatepass")).hexdigest()
    counters = [(f"{_PREFIX}:user:{name}", settings.LOGIN_THROTTLE_USER_LIMIT)]
    if address:
        digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()
        counters.append((f"{_PREFIX}:address:{digest}", settings.LOGIN_THROTTLE_ADDRESS_LIMIT))
    return counters


def _increment(key: str, window: int) -> int:
    """Add one to counter ``key`` and return the new count: one cache round trip but on a window's first attempt.

    ``cache.incr`` is atomic (Redis, local memory) and fails on a missing key; only then is the counter created
    (``cache.add``, atomic too) with the window as its lifetime, and the window's end noted for Retry-After.
    """
    try:
        return cache.incr(key)
    except ValueError:  # the window's first attempt, or the counter expired
        pass
    if cache.add(key, 1, timeout=window):
        cache.set(f"{key}:until", time.time() + window, timeout=window)
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # created and expired in between: this attempt opens a new window
        cache.set(key, 1, timeout=window)
        return 1


def login_attempt_begin(*, username: str, address: str) -> None:
    """Count one login attempt; raise ``TooManyRequests`` (with the seconds left) past either limit."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key, limit in _counters(username=username, address=address):
        if _increment(key, window) > limit:
            until = cache.get(f"{key}:until")
            left = (until - time.time()) if isinstance(until, float) else window
            raise TooManyRequests(retry_after=max(1, math.ceil(left)))


def login_attempt_succeeded(*, username: str, address: str) -> None:
    """Uncount an attempt that proved the password, so that only failures count.

    The counter stays (at zero) until its window ends: the next request of a client that authenticates on
    every call (OCS Basic auth) then costs one increment, not a new counter, and the success one decrement.
    """
    for key, _ in _counters(username=username, address=address):
        try:
            cache.decr(key)
        except ValueError:  # the window ended meanwhile
            continue


def login_throttle_reset(*, username: str = "", address: str = "") -> None:
    """Forget the failures counted for a user name and/or an address (an operator's unlock; the window's end)."""
    keys = [key for key, _ in _counters(username=username, address=address) if username or ":address:" in key]
    cache.delete_many([k for key in keys for k in (key, f"{key}:until")])
