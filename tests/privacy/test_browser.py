"""Real-browser journeys on the privacy pages (Playwright + Debian chromium)."""

import json
from pathlib import Path

import pytest
from django.test import Client

from activities.models import Registration
from privacy.models import AuditEntry
from tests.conftest import axe_violations
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_exports_and_erases_a_person(page, live_server):
    tour = TourFactory(title="Wijktour Transvaal")
    coordinator = CoordinatorFactory(workspace=tour.workspace)
    RegistrationFactory(activity=tour, name="Anna Jansen", email="anna@praktijk.example.org")
    sign_in(page, live_server, coordinator)

    page.goto(live_server.url + "/manage/privacy/")
    assert axe_violations(page) == []
    page.get_by_label("E-mailadres van de persoon").first.fill("anna@praktijk.example.org")
    page.get_by_role("button", name="Opzoeken").click()
    page.wait_for_selector("#found")
    assert "Wijktour Transvaal" in page.inner_text("main")
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="JSON downloaden").click()
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert [r["name"] for r in exported["registrations"]] == ["Anna Jansen"]

    page.get_by_label("Ik begrijp dat").check()
    page.get_by_role("button", name="Alle aanmeldingen anonimiseren").click()
    page.wait_for_selector(".messages, [role=status], .message")

    registration = Registration.objects.get()
    assert (registration.name, registration.status) == ("Geanonimiseerd", "confirmed")
    assert "anna" not in " ".join(AuditEntry.objects.values_list("summary", flat=True)).lower()

    page.goto(live_server.url + "/manage/audit/")
    line = "persoonsgegevens gewist op verzoek: 1 aanmelding geanonimiseerd"
    assert line in page.inner_text("main")
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_privacy_notice_is_accessible(page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/privacy/")

    assert axe_violations(page) == []
