import pytest

from tests.conftest import axe_violations
from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    RegistrationFactory,
    TourFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_home_page_renders_in_dutch_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.text


@pytest.mark.django_db
def test_home_page_sends_content_security_policy(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert script_src == " 'self'"


@pytest.mark.django_db
def test_dashboard_lists_coordinator_neighbourhoods(client):
    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    NeighbourhoodFactory(workspace=workspace, name="Indische Buurt")
    NeighbourhoodFactory(name="Elders")
    client.force_login(coordinator)

    response = client.get("/manage/")

    assert response.status_code == 200
    assert "Indische Buurt" in response.text
    assert "Elders" not in response.text


@pytest.mark.django_db
def test_dashboard_refuses_non_coordinator(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="x" * 12))

    assert client.get("/manage/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_has_no_accessibility_violations(page, live_server):
    page.goto(live_server.url + "/")

    assert page.locator("h1").inner_text() == "Agenda"
    assert axe_violations(page) == []


@pytest.mark.django_db
def test_home_page_speaks_english_after_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Skip to content" in response.text


@pytest.mark.django_db
def test_home_page_speaks_dutch_navigation(client):
    response = client.get("/")

    assert "Naar de inhoud" in response.text
    assert "Inloggen" in response.text


@pytest.mark.django_db
def test_dashboard_sends_partner_editor_to_their_partners(client):
    editor = UserFactory()
    PartnerFactory().editors.add(editor)
    client.force_login(editor)

    response = client.get("/manage/")

    assert response.status_code == 302
    assert response.url == "/manage/partners/"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_dashboard_query_count_is_constant(client, django_assert_num_queries, count):
    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    for tour in TourFactory.create_batch(count, workspace=workspace):
        RegistrationFactory(activity=tour)
    client.force_login(coordinator)

    # 8: one of them reads the accreditation deadlines (accreditation/_dashboard_due.html).
    with django_assert_num_queries(8):
        response = client.get("/manage/")

    assert response.status_code == 200
    assert response.text.count("/check-in/") == min(count, 20)


@pytest.mark.django_db
def test_home_page_stays_dutch_for_english_browsers(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert '<html lang="nl">' in response.text
