import datetime as dt

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops.queue import requeue_abandoned_tasks
from ops.tasks import heartbeat


@pytest.fixture
def running_tasks(settings) -> list[DBTaskResult]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    results = []
    for worker_id, minutes_ago in (("worker-a", 1), ("worker-b", 1), ("worker-b", 30)):
        task_result = DBTaskResult.objects.get(pk=heartbeat.enqueue().id)
        task_result.claim(worker_id)
        DBTaskResult.objects.filter(pk=task_result.pk).update(
            started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
        )
        results.append(task_result)
    return results


@pytest.mark.django_db
def test_requeue_abandoned_tasks_of_a_dead_worker(running_tasks):
    count = requeue_abandoned_tasks(worker_id="worker-a")

    statuses = [DBTaskResult.objects.get(pk=t.pk).status for t in running_tasks]
    assert count == 1
    assert statuses == [TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.RUNNING]


@pytest.mark.django_db
def test_requeue_abandoned_tasks_running_too_long(running_tasks):
    count = requeue_abandoned_tasks(older_than_seconds=15 * 60)

    statuses = [DBTaskResult.objects.get(pk=t.pk).status for t in running_tasks]
    assert count == 1
    assert statuses == [TaskResultStatus.RUNNING, TaskResultStatus.RUNNING, TaskResultStatus.READY]
