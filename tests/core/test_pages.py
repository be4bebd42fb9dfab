import pytest

from tests.conftest import axe_violations


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
def test_home_page_stays_dutch_for_english_browsers(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert '<html lang="nl">' in response.text
