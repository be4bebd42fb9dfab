"""Counting requests against a budget in the shared cache (Redis in production), so every
process and every server sees the same counts. Generic: callers choose what a key stands for
(a client address, an e-mail address, an activity).

When the cache cannot count (Redis down) the limit fails open: refusing every registration
because the counter is away would be worse than letting a burst through. core.cache logs it.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger("wijktour.ratelimit")


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 60)


def _trusted(address: str) -> bool:
    proxies = getattr(settings, "TRUSTED_PROXIES", [])
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: HttpRequest) -> str:
    """The visitor's address. X-Forwarded-For counts only when the connection comes from a
    trusted proxy (TRUSTED_PROXIES); then the right-most address that is not a proxy is the
    client, so a visitor cannot pick their own address by sending the header themselves."""
    remote = request.META.get("REMOTE_ADDR", "unknown")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return remote
    if getattr(settings, "RATE_LIMIT_TRUST_X_FORWARDED_FOR", False):
        return forwarded.split(",")[0].strip()
    if not _trusted(remote):
        return remote
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _trusted(hop):
            return hop
    return remote


def hit(*, key: str, rate: str) -> bool:
    """Count one request under `key`; True once the budget `rate` ("<count>/<seconds>") is
    used up in the current window."""
    limit, window = parse_rate(rate)
    key = f"ratelimit:{key}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr, or the cache cannot count
        if cache.add(key, 1, timeout=window):
            return limit < 1
        logger.warning("rate limit %s not counted (cache unavailable); allowing", key.split(":")[1])
        return False
    return count > limit
