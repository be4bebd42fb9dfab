import pytest
from django.urls import reverse

from tests.factories import CoordinatorFactory, PartnerFactory, UserFactory, WorkspaceFactory


@pytest.mark.django_db
def test_invalid_form_gets_summary_with_links_and_error_title(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.post(reverse("knowledge_sessions:manage_create"), {"capacity": "-1"})
    html = response.content.decode()

    assert response.status_code == 400
    assert "<title>Fout: " in html
    assert "data-error-summary" in html
    assert '<a href="#id_title">Titel: Dit veld is vereist.</a>' in html
    assert html.index("data-error-summary") < html.index('name="title"')


@pytest.mark.django_db
def test_valid_page_has_no_summary_and_plain_title(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))

    html = client.get(reverse("knowledge_sessions:manage_create")).content.decode()

    assert "data-error-summary" not in html
    assert "<title>Fout:" not in html


@pytest.mark.django_db
def test_partner_editor_has_beheer_and_links_to_feed_and_insights(client):
    partner = PartnerFactory(slug="buurtkamer")
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    home = client.get("/manage/", follow=True)
    html = home.content.decode()

    assert 'href="/manage/"' in html and ">Beheer<" in html
    assert reverse("feeds:partner-settings", kwargs={"slug": "buurtkamer"}) in html
    assert reverse("ratings:partner", kwargs={"slug": "buurtkamer"}) in html
    assert reverse("network:manage_partner_new") not in html
