"""Tasks a killed worker left half-done. django-tasks-db marks a task RUNNING when a worker
claims it and never looks at it again if that worker dies, so the task would be lost. These
are put back in the queue: by the supervisor before it starts a worker again under the same
worker id, and by a periodic job for tasks running longer than TASK_STALE_SECONDS. Tasks must
be safe to run twice (mail tasks check their idempotency key in the outbox)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def requeue_abandoned_tasks(
    *, worker_id: str = "", older_than_seconds: int | None = None, now: datetime | None = None
) -> int:
    """Back to READY: running tasks last claimed by `worker_id`, or started longer ago than
    `older_than_seconds`. Returns how many."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    condition = Q(pk__in=[])
    if older_than_seconds is not None:
        condition |= Q(started_at__lt=now - timedelta(seconds=older_than_seconds))
    ids = []
    for task_result in running.only("id", "worker_ids", "started_at"):
        claimed_by = (task_result.worker_ids or [""])[-1]
        if worker_id and claimed_by == worker_id:
            ids.append(task_result.pk)
    if ids:
        condition |= Q(pk__in=ids)
    return running.filter(condition).update(status=TaskResultStatus.READY, started_at=None)
