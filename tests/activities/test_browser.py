"""Real-browser journeys (Playwright + Debian chromium) with axe-core on every page."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from activities.models import Registration
from tests.conftest import axe_violations
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    RegistrationFactory,
    TourFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_professional_finds_registers_gets_mail_and_cancels(page, live_server, smtp_server):
    session = KnowledgeSessionFactory(title="Kenniscafé Dementie in de wijk", capacity=12)
    TourFactory(title="Wijktour Oost")

    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.get_by_label("Zoeken").fill("Dementie")
    page.get_by_role("button", name="Filters toepassen").click()
    page.get_by_role("link", name="Kenniscafé Dementie in de wijk").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Aanmelden").click()
    assert axe_violations(page) == []

    page.get_by_label("Naam").fill("Annemiek Visser")
    page.get_by_label("E-mail").fill("annemiek@wijkteam.example.org")
    page.get_by_label("Organisatie").fill("Buurtteam Oost")
    page.get_by_label("Beroep").select_option("sociaal_werker")
    page.get_by_label("Ik ga akkoord").check()
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_text("Je hebt een plek.").wait_for()
    assert axe_violations(page) == []

    assert Registration.objects.get(activity=session).status == "confirmed"
    [message] = smtp_server.messages
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    cancel = next(link for link in re.findall(r"https?://\S+", text) if link.endswith("/cancel/"))

    page.goto(live_server.url + urlsplit(cancel).path)
    assert axe_violations(page) == []
    assert Registration.objects.get(activity=session).status == "confirmed"
    page.get_by_role("button", name="Ja, meld mij af").click()
    page.get_by_role("heading", name="Afgemeld").wait_for()
    assert Registration.objects.get(activity=session).status == "cancelled"


def test_coordinator_checks_someone_in_on_a_phone(page, live_server, browser):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    tour = TourFactory(workspace=workspace, title="Wijktour Bos en Lommer")
    registration = RegistrationFactory(activity=tour, name="Karim Bouali")
    RegistrationFactory(activity=tour, name="Lotte de Groot")
    client = Client()
    client.force_login(coordinator)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(f"{live_server.url}/manage/activities/{tour.pk}/check-in/")
    assert axe_violations(page) == []
    page.get_by_label("Zoek op naam").fill("karim")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("button", name=re.compile("Karim Bouali")).click()
    page.get_by_text("Karim Bouali is aanwezig.").wait_for()
    assert axe_violations(page) == []

    registration.refresh_from_db()
    assert registration.status == "attended"
