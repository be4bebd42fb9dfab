import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("knowledge_sessions", "0001_initial"), ("accreditation", "0001_initial")]
AFTER = [
    ("knowledge_sessions", "0002_accreditation_moved_to_accreditation_app"),
    ("accreditation", "0002_move_session_points"),
]


@pytest.mark.django_db(transaction=True)
def test_migration_moves_session_points_to_accreditations():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Workspace = apps.get_model("core", "Workspace")
    KnowledgeSession = apps.get_model("knowledge_sessions", "KnowledgeSession")
    workspace = Workspace.objects.create(name="ROS", slug="ros")
    start = timezone.now() + dt.timedelta(days=10)
    common = {
        "workspace": workspace,
        "kind": "session",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }
    aban = KnowledgeSession.objects.create(
        title="A",
        accreditation_points=2,
        accrediting_body="Accreditatiebureau Algemene Gezondheidszorg",
        **common,
    )
    social = KnowledgeSession.objects.create(
        title="B", accreditation_points="1.5", accrediting_body="Registerplein", **common
    )
    KnowledgeSession.objects.create(title="C", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Accreditation = apps.get_model("accreditation", "Accreditation")

    rows = Accreditation.objects.order_by("activity_id").values_list(
        "activity_id", "registry", "points", "status", "notes"
    )
    assert [(r[0], r[1], float(r[2]), r[3]) for r in rows] == [
        (aban.pk, "big", 2.0, "granted"),
        (social.pk, "registerplein", 1.5, "granted"),
    ]
    assert rows[0][4] == "Accreditatiebureau Algemene Gezondheidszorg"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
