"""Throttling of failed logins, per user name and per client address, in the shared cache.

Each attempt is counted before the password is checked (an atomic increment in the cache, so parallel
attempts cannot all slip under the limit) and a successful one is uncounted afterwards; so the counters
hold the failures of the current window (on Redis, each way is one pipelined round trip). Once a counter
passes its limit (``LOGIN_THROTTLE_USER_LIMIT``, ``LOGIN_THROTTLE_ADDRESS_LIMIT``), every attempt is
refused with ``TooManyRequests`` until the window (``LOGIN_THROTTLE_WINDOW_SECONDS``, counted from the first
attempt after the last window ended) has passed. The user-name counter follows the name (any case) to every
address; other users are not affected.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

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


def _redis() -> Any | None:
    """The Redis client behind the cache when it is django-redis (production), else None (local memory)."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def _increment_all(keys: list[str], window: int) -> list[tuple[int, float | None]]:
    """Add one to each counter and return ``(count, seconds left in its window)`` for each (None: not known yet).

    On Redis, one pipelined round trip for all of them: ``SET key 0 EX window NX`` opens a window only when
    none is running, then ``INCR`` (atomic, keeps the expiry) and ``PTTL``. Elsewhere, ``_increment`` per key.
    """
    redis = _redis()
    if redis is None:
        return [(_increment(key, window), None) for key in keys]
    pipe = redis.pipeline(transaction=False)
    for key in keys:
        raw = cache.make_key(key)
        pipe.set(raw, 0, ex=window, nx=True)
        pipe.incr(raw)
        pipe.pttl(raw)
    replies = pipe.execute()
    return [(int(replies[i + 1]), max(0, int(replies[i + 2])) / 1000) for i in range(0, len(replies), 3)]


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


def _seconds_left(key: str, window: int) -> float:
    until = cache.get(f"{key}:until")
    return (until - time.time()) if isinstance(until, float) else window


def login_attempt_begin(*, username: str, address: str) -> None:
    """Count one login attempt; raise ``TooManyRequests`` (with the seconds left) past either limit."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    counters = _counters(username=username, address=address)
    counts = _increment_all([key for key, _ in counters], window)
    for (key, limit), (count, left) in zip(counters, counts, strict=True):
        if count > limit:
            left = left if left is not None else _seconds_left(key, window)
            raise TooManyRequests(retry_after=max(1, math.ceil(left)))


def login_attempt_succeeded(*, username: str, address: str) -> None:
    """Uncount an attempt that proved the password, so that only failures count.

    The counter stays (at zero) until its window ends: the next request of a client that authenticates on
    every call (OCS Basic auth) then costs one increment, not a new counter, and the success one decrement
    (on Redis, one pipelined round trip for both counters each way).
    """
    keys = [key for key, _ in _counters(username=username, address=address)]
    redis = _redis()
    if redis is not None:
        pipe = redis.pipeline(transaction=False)
        for key in keys:
            # DECR of a counter that expired meanwhile would create one without expiry: only where it exists.
            pipe.eval(_DECR_IF_EXISTS, 1, cache.make_key(key))
        pipe.execute()
        return
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:  # the window ended meanwhile
            continue


_DECR_IF_EXISTS = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0"


def login_throttle_reset(*, username: str = "", address: str = "") -> None:
    """Forget the failures counted for a user name and/or an address (an operator's unlock; the window's end)."""
    keys = [key for key, _ in _counters(username=username, address=address) if username or ":address:" in key]
    cache.delete_many([k for key in keys for k in (key, f"{key}:until")])
