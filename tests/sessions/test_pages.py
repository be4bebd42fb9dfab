import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from sessions.models import KnowledgeSession
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    NeighbourhoodFactory,
    ThemeFactory,
    WorkspaceFactory,
)


@pytest.fixture
def coordinator_client(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    client.workspace = workspace
    return client


def form_data(workspace, **extra) -> dict:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=14)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    return {
        "title": "Kenniscafé Mantelzorg",
        "description": "Over mantelzorgers in de wijk.",
        "themes": [ThemeFactory().pk],
        "neighbourhood": NeighbourhoodFactory(workspace=workspace).pk,
        "venue_name": "Buurthuis",
        "venue_address": "Dapperstraat 1, Amsterdam",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 30,
        "waitlist_enabled": "on",
        "domain_caps_medisch": "60",
        "speakers": "Mieke Bakker, mantelzorgconsulent",
        "programme": "15:00 Inloop\n15:30 Verhalen",
        **extra,
    }


@pytest.mark.django_db
def test_coordinator_creates_and_publishes_session(coordinator_client):
    response = coordinator_client.post(
        reverse("knowledge_sessions:manage_create"), form_data(coordinator_client.workspace)
    )
    session = KnowledgeSession.objects.get()
    coordinator_client.post(reverse("knowledge_sessions:manage_publish", args=[session.pk]))
    session.refresh_from_db()

    assert response.status_code == 302
    assert (session.status, session.domain_caps, session.kind) == (
        "published",
        {"medisch": 60},
        "session",
    )
    detail = coordinator_client.get(reverse("knowledge_sessions:detail", args=[session.pk]))
    assert "Mieke Bakker" in detail.content.decode()


@pytest.mark.django_db
def test_session_form_errors_are_shown_not_500(coordinator_client):
    data = form_data(coordinator_client.workspace, domain_caps_sociaal="140")
    data["ends_at"] = data["starts_at"]

    response = coordinator_client.post(reverse("knowledge_sessions:manage_create"), data)

    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["domain_caps", "ends_at"]


@pytest.mark.django_db
def test_coordinator_creates_weekly_series(coordinator_client):
    data = form_data(coordinator_client.workspace, frequency="weekly", count="4")

    coordinator_client.post(reverse("knowledge_sessions:manage_series"), data)

    assert KnowledgeSession.objects.filter(series__isnull=False).count() == 4


@pytest.mark.django_db
def test_other_workspace_session_is_404(coordinator_client):
    foreign = KnowledgeSessionFactory()

    edit = coordinator_client.get(reverse("knowledge_sessions:manage_edit", args=[foreign.pk]))
    cancel = coordinator_client.post(reverse("knowledge_sessions:manage_cancel", args=[foreign.pk]))

    assert (edit.status_code, cancel.status_code) == (404, 404)
    assert Activity.objects.get(pk=foreign.pk).status == "published"


@pytest.mark.django_db
def test_draft_session_detail_is_404(client):
    draft = KnowledgeSessionFactory(status=Activity.Status.DRAFT)

    assert client.get(reverse("knowledge_sessions:detail", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_manage_pages_need_login(client):
    response = client.get(reverse("knowledge_sessions:manage_list"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_manage_session_list_query_count_constant(coordinator_client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("knowledge_sessions:manage_list")
    expected = None
    created = 0
    for total in (1, 3, 50):
        KnowledgeSessionFactory.create_batch(
            total - created, workspace=coordinator_client.workspace
        )
        created = total
        if expected is None:
            with CaptureQueriesContext(connection) as queries:
                coordinator_client.get(url)
            expected = len(queries)
        else:
            with django_assert_num_queries(expected):
                response = coordinator_client.get(url)
            assert len(response.context["sessions"]) == total
