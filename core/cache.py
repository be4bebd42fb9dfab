"""A Redis cache that answers as an empty cache while Redis is unreachable.

Everything the cache holds can be rebuilt (cached public pages, rate-limit counters, the
worker heartbeat), so losing Redis must cost speed, not pages: reads miss, writes are
dropped, `incr` raises `CacheUnavailable` (a ValueError, which the counters already treat as
"no count yet", so rate limits fail open). Each failure is logged as a warning, at most once
per LOG_EVERY_SECONDS per process, and the next call tries Redis again, so the site recovers by
itself when Redis returns. /health/ sees the failure as a missing round trip and answers 503.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("wijktour.cache")
LOG_EVERY_SECONDS = 10.0


class CacheUnavailable(ValueError):
    """The cache could not count: callers treat it like a key that is not there."""


def _degrade(default_factory, *, raises: bool = False):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._note_failure(method.__name__, error)
                if raises:
                    raise CacheUnavailable(str(error)) from error
                return default_factory(*args, **kwargs)
            self.unavailable_since = None
            return result

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    unavailable_since: float | None = None
    _last_logged: float = 0.0

    def _note_failure(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if self.unavailable_since is None:
            self.unavailable_since = now
        if now - self._last_logged >= LOG_EVERY_SECONDS:
            self._last_logged = now
            logger.warning(
                "cache unavailable (%s: %s); serving without it",
                operation,
                error.__class__.__name__,
            )

    @_degrade(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrade(lambda *args, **kwargs: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: {})
    def get_many(self, *args, **kwargs):
        return super().get_many(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: False)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: None, raises=True)
    def incr(self, *args, **kwargs):
        return super().incr(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: [])
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_degrade(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
