"""Fixed-window rate limits on the shared cache (Redis in production), as allauth does.

Every app counts attempts here, so a limit holds across all web workers."""

import time

from django.core.cache import cache


def allow(*, scope: str, key: object, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts fall in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"limit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    if count is None:
        # The shared cache is unreachable (Redis down; django-redis then answers None): the
        # limit cannot count, and locking everyone out would be worse than not limiting.
        return True
    return count <= limit


def count(*, scope: str, key: object, window_seconds: int) -> int:
    """The attempts counted so far in the current window; counts nothing itself."""
    window = int(time.time() // window_seconds)
    return int(cache.get(f"limit:{scope}:{key}:{window}", 0))
