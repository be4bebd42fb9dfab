"""Browser journeys of the change workflow (Debian chromium), with axe-core on every new
page in Dutch and in English."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from changes.models import PendingRecheck
from tests.changes.conftest import build_published_tour
from tests.conftest import axe_violations
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory
from tours.models import Tour

PASSWORD = "correct-horse-battery"


def sign_in(page, live_server, tour: Tour):
    user = CoordinatorFactory(workspace=tour.workspace, email="coordinator@example.org")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return user


def use_english(page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_move_start_preview_confirm_mail_shows_diff(page, live_server, smtp_server):
    tour = build_published_tour(registrants=2)
    sign_in(page, live_server, tour)
    start = timezone.localtime(tour.starts_at)

    page.goto(f"{live_server.url}/manage/tours/{tour.pk}/edit/")
    page.fill("#id_starts_at", (start + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Opslaan", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer voor het opslaan")
    expect(page.locator(".change-preview h2")).to_have_text(
        "2 deelnemers en 2 partners krijgen bericht:"
    )
    expect(page.locator(".change-lines li").first).to_have_text("Start: 13:00 → 13:30")
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)

    page.get_by_role("button", name="Opslaan en berichten versturen").click()
    expect(page.locator(".messages")).to_contain_text("Opgeslagen. 2 deelnemers en 2 partners")
    assert Tour.objects.get(pk=tour.pk).starts_at == tour.starts_at + dt.timedelta(minutes=30)
    registrant = next(m for m in smtp_server.messages if m["To"] == "deelnemer0@example.org")
    assert registrant["Subject"] == "Gewijzigd: Tour Oost"
    assert "- Start: 13:00 → 13:30" in text_of(registrant)

    # The same preview in English.
    use_english(page, live_server)
    page.goto(f"{live_server.url}/manage/tours/{tour.pk}/edit/")
    page.fill("#id_starts_at", (start + dt.timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before saving")
    expect(page.locator(".change-lines li").first).to_have_text("Start: 13:30 → 13:45")
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cancel_with_reason_and_undo(page, live_server, smtp_server):
    tour = build_published_tour(registrants=1, partners=1)
    sign_in(page, live_server, tour)

    page.goto(f"{live_server.url}/manage/tours/{tour.pk}/")
    page.get_by_role("link", name="Tour annuleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text('"Tour Oost" annuleren?')
    expect(page.locator("main")).to_contain_text("1 deelnemer (bevestigd of op de wachtlijst)")
    assert axe_violations(page) == []
    page.get_by_label("Reden (niet verplicht, komt in de mail)").fill("Storm op komst")
    page.get_by_role("button", name="Ja, annuleren").click()
    expect(page.locator(".badge.bad").first).to_have_text("Geannuleerd")
    assert Activity.objects.get(pk=tour.pk).status == "cancelled"
    cancelled = next(m for m in smtp_server.messages if m["To"] == "deelnemer0@example.org")
    assert "Reden: Storm op komst" in text_of(cancelled)

    page.get_by_role("link", name="Annulering terugdraaien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text('"Tour Oost" toch laten doorgaan?')
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ja, het gaat door").click()
    expect(page.locator(".badge.ok").first).to_have_text("Gepubliceerd")
    assert Activity.objects.get(pk=tour.pk).status == "published"
    subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == "deelnemer0@example.org"]
    assert subjects == ["Geannuleerd: Tour Oost", "Gaat toch door: Tour Oost"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_new_pages_pass_axe(page, live_server, language):
    tour = build_published_tour(registrants=1, partners=1)
    registration = tour.registrations.get()
    RegistrationFactory(activity=tour, status="waitlisted")
    draft = TourFactory(workspace=tour.workspace, status=Activity.Status.DRAFT)
    PendingRecheck.objects.create(
        activity=tour, partner=tour.stops.get().partner, problem="Buurtteam 1 sluit om 14:00."
    )
    sign_in(page, live_server, tour)
    if language == "en":
        use_english(page, live_server)
    pages = [
        f"/manage/activities/{tour.pk}/cancel/",
        f"/manage/activities/{tour.pk}/changes/",
        f"/manage/activities/{tour.pk}/messages/",
        f"/manage/activities/{tour.pk}/attendees/{registration.pk}/remove/",
        f"/manage/activities/{tour.pk}/no-shows/",
        f"/manage/activities/{draft.pk}/delete/",
        "/manage/tours/rechecks/",
        f"/manage/tours/{tour.pk}/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert (path, axe_violations(page)) == (path, [])
        assert no_horizontal_scroll(page), path
    # The message preview, rendered.
    page.goto(f"{live_server.url}/manage/activities/{tour.pk}/messages/")
    page.locator("#id_subject").fill("Regen")
    page.locator("#id_body").fill("Neem een jas mee.")
    page.locator("button[value=preview]").click()
    expect(page.locator(".mail-preview")).to_contain_text("Neem een jas mee.")
    assert axe_violations(page) == []
