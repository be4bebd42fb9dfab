import pytest
from django.urls import reverse

from sessions.models import KnowledgeSession
from tests.factories import CoordinatorFactory, WorkspaceFactory
from tests.sessions.test_pages import form_data


@pytest.fixture
def coordinator_client(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    client.workspace = workspace
    return client


@pytest.mark.django_db
def test_series_is_published_at_once_from_the_first_date(coordinator_client):
    data = form_data(coordinator_client.workspace, frequency="weekly", count="4")
    coordinator_client.post(reverse("knowledge_sessions:manage_series"), data)
    first = KnowledgeSession.objects.order_by("starts_at").first()
    page = coordinator_client.get(reverse("knowledge_sessions:manage_edit", args=[first.pk]))

    response = coordinator_client.post(
        reverse("knowledge_sessions:manage_publish_series", args=[first.pk]), follow=True
    )

    statuses = list(KnowledgeSession.objects.values_list("status", flat=True))
    assert "Deze en alle latere data publiceren" in page.content.decode()
    assert statuses == ["published"] * 4
    assert "4 data gepubliceerd." in response.content.decode()
