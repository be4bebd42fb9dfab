import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from activities import services
from core.vocab import Profession
from ops.tasks import heartbeat
from tests.factories import KnowledgeSessionFactory
from tests.ops.harness import run_manage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is a separate process on a shared database: PostgreSQL only",
    ),
]


def worker_env(*, smtp_port: int) -> dict[str, str]:
    settings_dict = connection.settings_dict
    return {
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        ),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "REDIS_URL": "",
    }


def test_worker_runs_queued_heartbeat_and_registration_mail(settings, smtp_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    session = KnowledgeSessionFactory(title="Kenniscafé Eenzaamheid")
    beat = heartbeat.enqueue()
    services.register(
        activity_id=session.pk,
        registrant=services.Registrant(
            name="An de Vries",
            email="an@praktijk.example.org",
            organisation="Praktijk",
            profession=Profession.GP,
            phone="",
            bike_need="",
            notes="",
            language="nl",
        ),
    )
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2
    assert smtp_server.messages == []

    run_manage(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        env=worker_env(smtp_port=settings.MAILERS["default"]["OPTIONS"]["port"]),
    )

    beat.refresh()
    assert beat.status == TaskResultStatus.SUCCESSFUL
    assert beat.return_value.startswith(str(session.created_at.year))
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert [message["To"] for message in smtp_server.messages] == ["an@praktijk.example.org"]
