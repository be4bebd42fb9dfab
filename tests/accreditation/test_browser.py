"""The accreditation journey in a real browser (Playwright + Debian chromium), axe-core on every
new page in Dutch and English."""

import datetime as dt
import re
import subprocess
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accreditation.models import Certificate
from activities.models import Activity, Registration
from tests.conftest import axe_violations
from tests.factories import (
    AccreditationFactory,
    CoordinatorFactory,
    KnowledgeSessionFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_register_with_big_check_in_close_certificate_and_verify(page, live_server, smtp_server):
    workspace = WorkspaceFactory(name="ROS Amsterdam")
    coordinator = CoordinatorFactory(workspace=workspace)
    session = KnowledgeSessionFactory(workspace=workspace, title="Kenniscafé Geldzorgen")
    AccreditationFactory(activity=session, registry="big", accreditation_id="468812", points=2)
    AccreditationFactory(activity=session, registry="registerplein", accreditation_id="PE-77")

    page.goto(f"{live_server.url}/activities/{session.pk}/register/")
    page.get_by_label("Beroep").select_option("huisarts")
    assert page.get_by_label("Registerplein-nummer").is_hidden()
    assert axe_violations(page) == []
    page.get_by_label("Naam").fill("Tom Verbeek")
    page.get_by_label("E-mail").fill("tom@huisarts.example.org")
    page.get_by_label("Organisatie").fill("Huisartsenpraktijk Dapper")
    page.get_by_label("BIG-nummer").fill("0123 4567 890")
    page.get_by_label("Ik ga akkoord").check()
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_text("Je hebt een plek.").wait_for()
    registration = Registration.objects.get(activity=session)
    assert list(registration.registry_numbers.values_list("number", flat=True)) == ["01234567890"]

    # The kenniscafé took place: two hours, ending an hour ago.
    ends = timezone.now() - dt.timedelta(hours=1)
    Activity.objects.filter(pk=session.pk).update(
        starts_at=ends - dt.timedelta(hours=2), ends_at=ends
    )
    smtp_server.clear()
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/manage/activities/{session.pk}/check-in/")
    page.get_by_role("button", name=re.compile("Tom Verbeek")).click()
    page.get_by_text("Tom Verbeek is aanwezig.").wait_for()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/manage/activities/{session.pk}/presence/")
    assert page.locator("#paste-big").input_value() == "01234567890\n"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Aanwezigheid afsluiten en certificaten versturen").click()
    page.get_by_text("Aanwezigheid afgesloten;").wait_for()

    [message] = smtp_server.messages
    pdf = next(
        part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Tom Verbeek" in text and "468812" in text and "Aanwezige uren: 2,00" in text
    body = message.get_body(preferencelist=("plain",)).get_content()
    verify = next(link for link in re.findall(r"https?://\S+", body) if "/certificates/" in link)

    page.goto(live_server.url + urlsplit(verify).path)
    page.get_by_text("Dit certificaat is geldig.").wait_for()
    assert "Tom Verbeek" in page.content()
    assert axe_violations(page) == []
    assert Certificate.objects.get().registration_id == registration.pk


def test_new_pages_pass_axe_in_english(page, live_server):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    session = KnowledgeSessionFactory(workspace=workspace)
    AccreditationFactory(activity=session, registry="vv")
    sign_in(page, live_server, coordinator)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    failures = {}
    for path in (
        f"/manage/activities/{session.pk}/accreditation/",
        f"/manage/activities/{session.pk}/presence/",
        f"/manage/activities/{session.pk}/check-in/",
        f"/activities/{session.pk}/register/",
        "/manage/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "en"
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    assert failures == {}
