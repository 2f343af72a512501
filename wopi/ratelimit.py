"""Per-token request counting in the shared Django cache, so every app process counts the same requests."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

_WINDOW_SECONDS = 60


def rate_limit_hit(*, token: str) -> int | None:
    """Count one request of ``token`` in the current minute; the seconds to wait when over the limit, else None.

    A fixed one-minute window counted in the cache. The key holds a hash of the token, never the token.
    """
    limit = settings.WOPI_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // _WINDOW_SECONDS)
    key = f"wopi:rate:{hashlib.sha256(token.encode()).hexdigest()[:40]}:{window}"
    count = _count_one(key)
    if count > limit:
        return max(1, int((window + 1) * _WINDOW_SECONDS - now + 0.999))
    return None


def _count_one(key: str) -> int:
    """Add one to the counter ``key``, creating it, and return the new count.

    ``cache.incr`` is atomic on Redis and on the local-memory cache alike and fails on a missing key; only the
    first request of a window creates it with ``cache.add`` (atomic too), so a request costs one cache round
    trip, not two. When another process created the key between the two calls, its count is incremented.
    """
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or the key expired)
        pass
    if cache.add(key, 1, timeout=_WINDOW_SECONDS * 2):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # created and expired in between: count this request as a window's first
        cache.set(key, 1, timeout=_WINDOW_SECONDS * 2)
        return 1
