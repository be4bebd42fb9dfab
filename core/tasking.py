"""Queueing a task so that it happens exactly when the surrounding transaction commits.

With the database tasks backend (django-tasks-db) on the same database, the task row is
written inside the transaction: it commits with the registration or not at all, and no
worker sees it earlier (a transactional outbox). Queuing it in on_commit instead leaves a gap:
a database that goes away right after the commit loses the task, and the visitor gets an
error for a registration that was saved. Any other backend (immediate, a broker) runs or
receives the task on commit, so it never acts on data that is rolled back.
"""

from __future__ import annotations

from django.db import transaction


def _in_database(task) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the dependency is always installed
        return False
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task, **kwargs) -> None:
    if _in_database(task) and transaction.get_connection().in_atomic_block:
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))
