"""Background tasks of the operations app."""

from django.core.cache import cache
from django.tasks import task
from django.utils import timezone

from core.health import HEARTBEAT_KEY


@task
def heartbeat() -> str:
    """Proves a worker is taking tasks off the queue: /health/ reads the time it ran."""
    now = timezone.now()
    cache.set(HEARTBEAT_KEY, now.timestamp(), timeout=None)
    return now.isoformat()
