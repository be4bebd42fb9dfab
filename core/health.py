"""Liveness and readiness for load balancers and monitoring: the database, the cache and the
background worker's heartbeat (ops.tasks.heartbeat, queued by the scheduler every minute)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
HEARTBEAT_KEY = "ops:worker-heartbeat"


def worker_status() -> str:
    """ok | stale | not-configured. Without a queue (the immediate backend runs tasks in the
    request) there is no worker to watch."""
    if settings.TASKS["default"]["BACKEND"] == IMMEDIATE_BACKEND:
        return "not-configured"
    beat = cache.get(HEARTBEAT_KEY)
    if beat is None or time.time() - float(beat) > settings.WORKER_HEARTBEAT_MAX_AGE:
        return "stale"
    return "ok"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("health-probe", "1", 10)
        checks["cache"] = "ok" if cache.get("health-probe") == "1" else "error: no round trip"
        if getattr(cache, "unavailable_since", None) is not None:
            # core.cache.ResilientRedisCache swallowed the error to keep pages up.
            checks["cache"] = "error: unavailable"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    if checks["cache"] == "ok":
        checks["worker"] = worker_status()
    else:
        checks["worker"] = "stale"
    healthy = all(value in ("ok", "not-configured") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
