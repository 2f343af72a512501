"""Per-token request counting in the shared Django cache, so every app process counts the same requests."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

_WINDOW_SECONDS = 60


def rate_limit_hit(*, token: str) -> int | None:
    """Count one request of ``token`` in the current minute; the seconds to wait when over the limit, else None.

    A fixed one-minute window: ``cache.add`` creates the counter atomically and ``cache.incr`` is atomic on
    Redis and on the local-memory cache alike. The key holds a hash of the token, never the token.
    """
    limit = settings.WOPI_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // _WINDOW_SECONDS)
    key = f"wopi:rate:{hashlib.sha256(token.encode()).hexdigest()[:40]}:{window}"
    cache.add(key, 0, timeout=_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this request opens a new count
        cache.add(key, 1, timeout=_WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        return max(1, int((window + 1) * _WINDOW_SECONDS - now + 0.999))
    return None
