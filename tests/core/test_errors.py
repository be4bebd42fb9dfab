import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.errors_urls"


@pytest.fixture
def anonymous():
    # raise_request_exception=False: the client answers like a server, with the 500 page.
    return Client(raise_request_exception=False)


def english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_not_found_page_dutch_in_site_layout_with_way_back(anonymous):
    response = anonymous.get("/bestaat-niet/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Pagina niet gevonden</h1>" in body
    assert 'href="/">Terug naar de agenda</a>' in body
    assert 'class="site-header"' in body
    assert '<html lang="nl">' in body


@pytest.mark.django_db
def test_not_found_page_english_when_chosen(anonymous):
    response = english(anonymous).get("/does-not-exist/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_not_found_under_api_is_json(anonymous):
    response = anonymous.get("/api/does-not-exist/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Deze pagina bestaat niet (meer). Controleer het adres of begin opnieuw."
    }


@pytest.mark.django_db
def test_forbidden_page_has_way_back(anonymous, failing_urls):
    response = anonymous.get("/test-errors/forbidden/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in body
    assert "Terug naar de agenda" in body


@pytest.mark.django_db
def test_server_error_page_without_traceback(anonymous, failing_urls):
    response = anonymous.get("/test-errors/broken/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Er ging iets mis</h1>" in body
    assert "a bug" not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_server_error_under_api_is_json(anonymous, failing_urls):
    response = anonymous.get("/api/test-errors/broken/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_database_down_is_503_with_retry_after(anonymous, failing_urls):
    response = anonymous.get("/test-errors/database-down/")

    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in body
    assert "Connection refused" not in body


@pytest.mark.django_db
def test_database_down_under_api_is_json_503(anonymous, failing_urls):
    response = english(anonymous).get("/api/test-errors/database-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "Wijktour cannot reach its database for a moment. Nothing was saved; "
        "please try again in a few seconds."
    }


@pytest.mark.django_db
def test_csrf_failure_page_explains_and_links_back(failing_urls):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/test-errors/form/", {"a": "b"})

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formulier verlopen</h1>" in body
    assert "Terug naar de agenda" in body


@pytest.mark.django_db
def test_partner_editor_on_coordinator_page_gets_our_403_with_way_back(anonymous):
    editor = UserFactory(username="redacteur")
    anonymous.force_login(editor)

    response = anonymous.get("/manage/insights/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in body
    assert 'href="/">Terug naar de agenda</a>' in body
    assert "403 Forbidden" not in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_page_accessible_on_a_phone(page, live_server):
    from tests.conftest import axe_violations

    page.goto(live_server.url + "/bestaat-niet/")

    assert page.locator("h1").inner_text() == "Pagina niet gevonden"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Terug naar de agenda").click()
    page.wait_for_url(live_server.url + "/")
