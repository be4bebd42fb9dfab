"""Mails through a real SMTP server: subject, language, the .ics attachment, the links."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from activities import services
from activities.models import Activity, Registration
from sessions import services as session_services
from sessions.models import KnowledgeSession
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, TourFactory


def registrant(n=1, language="nl", **extra):
    return services.Registrant(
        name=f"Eva {n}",
        email=f"eva{n}@example.org",
        organisation="GGD",
        profession="jeugdverpleegkundige",
        language=language,
        **extra,
    )


def calendar_of(message) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_payload(decode=True))


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


@pytest.mark.django_db
def test_confirmation_mail_dutch_with_ics_and_working_cancel_link(
    client, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wijktour.example.nl"
    tour = TourFactory(title="Wijktour Indische Buurt")

    with django_capture_on_commit_callbacks(execute=True):
        services.register(activity_id=tour.pk, registrant=registrant())

    [message] = smtp_server.messages
    assert message["Subject"] == "Aanmelding bevestigd: Wijktour Indische Buurt"
    assert message["To"] == "eva1@example.org"
    event = calendar_of(message).walk("VEVENT")[0]
    assert str(event["UID"]) == f"activity-{tour.pk}@wijktour.example.nl"
    assert (event["SEQUENCE"], event.decoded("DTSTART")) == (0, tour.starts_at)
    # The same builder as the feeds: Amsterdam wall time with its VTIMEZONE.
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Amsterdam"
    links = links_in(message)
    cancel = next(link for link in links if link.endswith("/cancel/"))
    feed = next(link for link in links if link.endswith(".ics"))
    assert re.fullmatch(r"https://wijktour.example.nl/feeds/personal/[\w-]{43}\.ics", feed)
    assert "eva1" not in cancel
    assert str(Registration.objects.get().pk) not in urlsplit(cancel).path.split("/")
    # The link works: GET asks, POST cancels.
    path = urlsplit(cancel).path
    assert client.get(path).status_code == 200
    assert Registration.objects.get().status == "confirmed"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    assert Registration.objects.get().status == "cancelled"
    assert smtp_server.messages[-1]["Subject"] == (
        "Aanmelding geannuleerd: Wijktour Indische Buurt"
    )


@pytest.mark.django_db
def test_waitlist_and_promotion_mails_in_english(smtp_server, django_capture_on_commit_callbacks):
    session = KnowledgeSessionFactory(title="Dementia café", capacity=1)
    seated = RegistrationFactory(activity=session)

    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.register(
            activity_id=session.pk, registrant=registrant(language="en")
        ).registration
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration_id=seated.pk)

    subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == waiting.email]
    assert subjects == [
        "On the waiting list: Dementia café",
        "A seat has come free for you: Dementia café",
    ]
    promotion = smtp_server.messages[-1]
    assert calendar_of(promotion).walk("VEVENT")[0]["SUMMARY"] == "Dementia café"


@pytest.mark.django_db
def test_send_reminders_is_idempotent(smtp_server, settings, django_capture_on_commit_callbacks):
    settings.REGISTRATION_REMINDER_DAYS = 3
    soon = TourFactory(starts_at=timezone.now() + dt.timedelta(days=2))
    later = TourFactory(starts_at=timezone.now() + dt.timedelta(days=10))
    RegistrationFactory(activity=soon, email="soon@example.org")
    RegistrationFactory(activity=later, email="later@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")

    assert [(m["To"], m["Subject"][:9]) for m in smtp_server.messages] == [
        ("soon@example.org", "Herinneri")
    ]


@pytest.mark.django_db
def test_session_change_and_cancellation_send_updated_ics(
    smtp_server, django_capture_on_commit_callbacks
):
    session = KnowledgeSession.objects.get(pk=KnowledgeSessionFactory(title="Kenniscafé").pk)
    RegistrationFactory(activity=session, email="a@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        session_services.update_session(
            session=session,
            data={
                "starts_at": session.starts_at + dt.timedelta(hours=1),
                "ends_at": session.ends_at + dt.timedelta(hours=1),
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        session_services.cancel_session(session=session)

    changed, cancelled = smtp_server.messages
    assert (changed["Subject"], cancelled["Subject"]) == (
        "Gewijzigd: Kenniscafé",
        "Geannuleerd: Kenniscafé",
    )
    assert calendar_of(changed).walk("VEVENT")[0]["SEQUENCE"] == 1
    cancelled_calendar = calendar_of(cancelled)
    assert (
        cancelled_calendar["METHOD"],
        cancelled_calendar.walk("VEVENT")[0]["STATUS"],
        cancelled_calendar.walk("VEVENT")[0]["SEQUENCE"],
    ) == ("CANCEL", "CANCELLED", 2)


@pytest.mark.django_db
def test_coordinator_message_reaches_confirmed_only(
    smtp_server, django_capture_on_commit_callbacks
):
    tour = TourFactory(title="Tour Oost")
    RegistrationFactory(activity=tour, email="seat@example.org")
    RegistrationFactory(
        activity=tour, email="wait@example.org", status=Registration.Status.WAITLISTED
    )

    with django_capture_on_commit_callbacks(execute=True):
        count = services.message_registrants(
            activity_id=tour.pk, subject="Regenkleding", body="Neem een regenjas mee."
        )

    [message] = smtp_server.messages
    assert (count, message["To"], message["Subject"]) == (
        1,
        "seat@example.org",
        "[Tour Oost] Regenkleding",
    )
    assert "Neem een regenjas mee." in text_of(message)


@pytest.mark.django_db
def test_same_email_again_mails_existing_registration(
    smtp_server, django_capture_on_commit_callbacks
):
    tour = TourFactory(title="Tour West", capacity=1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.register(activity_id=tour.pk, registrant=registrant())

    assert [m["Subject"] for m in smtp_server.messages] == [
        "Aanmelding bevestigd: Tour West",
        "Je aanmelding: Tour West",
    ]
    assert Activity.objects.get(pk=tour.pk).registrations.count() == 1
