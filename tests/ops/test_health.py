import json
import time

import pytest
from django.core.cache import cache

from core.health import HEARTBEAT_KEY
from ops.tasks import heartbeat
from tests.ops.harness import run_python

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = DATABASE_BACKEND
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_health_worker_ok_after_heartbeat(client, queued_tasks):
    heartbeat.call()

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok"},
    }


@pytest.mark.django_db
def test_health_fails_when_worker_never_beat(client, queued_tasks):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "stale"


@pytest.mark.django_db
def test_health_fails_when_heartbeat_older_than_max_age(client, queued_tasks, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    cache.set(HEARTBEAT_KEY, time.time() - 121)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "cache": "ok", "worker": "stale"},
    }


def test_health_fails_when_database_unreachable():
    # A real connection attempt to a PostgreSQL address where nothing listens, in a fresh
    # process so this suite's own database connections stay untouched.
    output = run_python(
        "import json, django; django.setup(); from django.test import Client; "
        "response = Client().get('/health/'); "
        "print(json.dumps({'status': response.status_code, 'body': response.json()}))",
        env={
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:9/wijktour_unreachable",
            "ALLOWED_HOSTS": "testserver",
            "REDIS_URL": "",
        },
    )

    result = json.loads(output.strip().splitlines()[-1])
    assert result == {
        "status": 503,
        "body": {
            "status": "error",
            "checks": {
                "database": "error: OperationalError",
                "cache": "ok",
                "worker": "not-configured",
            },
        },
    }
