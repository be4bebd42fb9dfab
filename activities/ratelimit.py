"""Per-client-address rate limiting through the shared Django cache (Redis in production),
so every process and every server sees the same counts."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "RATE_LIMIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def over_limit(request: HttpRequest, *, scope: str, rate: str | None = None) -> bool:
    """Count this request against the client's budget; True once the budget is used up.

    `rate` is "<count>/<seconds>"; registration's limit unless given.
    """
    limit, window = parse_rate(rate or settings.REGISTRATION_RATE_LIMIT)
    key = f"ratelimit:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
