"""Change notices at a real SMTP server: subject, the diff lines, the attached .ics parsed by
icalendar and by ical.js (same UID, higher SEQUENCE, METHOD), partners' own mails."""

import datetime as dt

import pytest
from icalendar import Calendar

from activities import services as registration_services
from activities.models import Registration
from changes import services
from tests.changes.conftest import build_published_tour
from tests.factories import RegistrationFactory
from tests.feeds.parsers import parse_with_icaljs
from tours import services as tour_services
from tours.models import Tour

pytestmark = pytest.mark.django_db


def calendar_part(message) -> bytes:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_payload(decode=True)


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def by_recipient(mailbox) -> dict[str, object]:
    return {message["To"]: message for message in mailbox.messages}


def move_start(tour: Tour, minutes: int) -> None:
    new_start = tour.starts_at + dt.timedelta(minutes=minutes)
    services.change_activity(
        activity_id=tour.pk,
        apply=lambda: tour_services.update_tour(
            tour=Tour.objects.get(pk=tour.pk), starts_at=new_start
        ),
        confirmed=True,
    )


def test_moved_start_mails_registrants_the_diff_and_a_request_ics(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wijktour.example.nl"
    tour = build_published_tour(registrants=2)
    RegistrationFactory(
        activity=tour, email="wacht@example.org", status=Registration.Status.WAITLISTED
    )
    RegistrationFactory(activity=tour, email="english@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.register(
            activity_id=tour.pk,
            registrant=registration_services.Registrant(
                name="Eva",
                email="eva@example.org",
                organisation="GGD",
                profession="jeugdverpleegkundige",
            ),
        )
    first_ics = Calendar.from_ical(calendar_part(smtp_server.messages[-1]))
    first_event = first_ics.walk("VEVENT")[0]
    smtp_server.clear()
    [(first_name, first_arrival), *_] = tour.stops.order_by("position").values_list(
        "partner__name", "arrives_at"
    )

    with django_capture_on_commit_callbacks(execute=True):
        move_start(Tour.objects.get(pk=tour.pk), 30)

    mails = by_recipient(smtp_server)
    assert sorted(mails) == sorted(
        [
            "deelnemer0@example.org",
            "deelnemer1@example.org",
            "wacht@example.org",
            "english@example.org",
            "eva@example.org",
            "team1@partner.example.org, host1@partner.example.org",
            "team2@partner.example.org, host2@partner.example.org",
        ]
    )
    dutch = mails["eva@example.org"]
    assert dutch["Subject"] == "Gewijzigd: Tour Oost"
    body = text_of(dutch)
    assert "Start: 13:00 → 13:30" in body
    old, new = (
        (first_arrival + dt.timedelta(minutes=m)).astimezone(settings_zone()).strftime("%H:%M")
        for m in (0, 30)
    )
    assert f"Halte {first_name}: {old} → {new}" in body
    assert "De organisator heeft" in body

    data = calendar_part(dutch)
    calendar = Calendar.from_ical(data)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(first_event["UID"]) == f"activity-{tour.pk}@wijktour.example.nl"
    assert event["SEQUENCE"] > first_event["SEQUENCE"]
    assert event.decoded("DTSTART") == tour.starts_at + dt.timedelta(minutes=30)
    assert str(event["ATTENDEE"]) == "mailto:eva@example.org"
    # Thunderbird's parser reads the same.
    [(uid, (start, _end, status, sequence, _summary))] = parse_with_icaljs(data).items()
    assert (uid, start, status, sequence) == (
        str(first_event["UID"]),
        tour.starts_at + dt.timedelta(minutes=30),
        "CONFIRMED",
        event["SEQUENCE"],
    )

    english = mails["english@example.org"]
    assert english["Subject"] == "Changed: Tour Oost"
    assert "Start: 13:00 → 13:30" in text_of(english)
    # Waiting: told, but nothing to put in a calendar.
    assert [p.get_content_type() for p in mails["wacht@example.org"].walk()].count(
        "text/calendar"
    ) == 0

    number = first_name[-1]
    partner = mails[f"team{number}@partner.example.org, host{number}@partner.example.org"]
    assert f"Je halte verschuift van {old} naar {new}" in text_of(partner)
    assert f"quiet{number}@partner.example.org" not in partner["To"]


def settings_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")


def test_note_change_sends_no_mail(smtp_server, django_capture_on_commit_callbacks):
    tour = build_published_tour()
    stop = tour.stops.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_activity(
            activity_id=tour.pk,
            apply=lambda: tour_services.update_stop(stop=stop, programme="Typefout hersteld"),
            confirmed=True,
        )
    assert smtp_server.messages == []


def test_cancel_mail_gives_reason_and_cancel_ics(smtp_server, django_capture_on_commit_callbacks):
    tour = build_published_tour(registrants=1)
    before = Tour.objects.get(pk=tour.pk).sequence
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_activity(activity_id=tour.pk, reason="Storm op komst")
    mails = by_recipient(smtp_server)
    registrant = mails["deelnemer0@example.org"]
    assert registrant["Subject"] == "Geannuleerd: Tour Oost"
    body = text_of(registrant)
    assert 'De organisator heeft "Tour Oost" geannuleerd.' in body
    assert "Reden: Storm op komst" in body
    data = calendar_part(registrant)
    calendar = Calendar.from_ical(data)
    event = calendar.walk("VEVENT")[0]
    assert (str(calendar["METHOD"]), str(event["STATUS"]), event["SEQUENCE"]) == (
        "CANCEL",
        "CANCELLED",
        before + 1,
    )
    [(_uid, (_s, _e, status, sequence, _summary))] = parse_with_icaljs(data).items()
    assert (status, sequence) == ("CANCELLED", before + 1)
    partner = mails["team1@partner.example.org, host1@partner.example.org"]
    assert "Je hoeft de groep niet meer te ontvangen." in text_of(partner)
    assert "Reden: Storm op komst" in text_of(partner)

    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reinstate_activity(activity_id=tour.pk)
    again = by_recipient(smtp_server)["deelnemer0@example.org"]
    assert again["Subject"] == "Gaat toch door: Tour Oost"
    event = Calendar.from_ical(calendar_part(again)).walk("VEVENT")[0]
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CONFIRMED", before + 2)


def test_removal_mail_says_organiser_and_reason(smtp_server, django_capture_on_commit_callbacks):
    tour = build_published_tour(registrants=1, partners=1)
    registration = tour.registrations.get()
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.remove_registration(
            registration_id=registration.pk, reason="Dubbel aangemeld"
        )
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Aanmelding geannuleerd door de organisator: Tour Oost"
    assert "Reden: Dubbel aangemeld" in text_of(mail)


def test_group_message_reaches_the_group_and_is_kept_in_history(
    smtp_server, django_capture_on_commit_callbacks
):
    tour = build_published_tour(registrants=2, partners=1)
    RegistrationFactory(
        activity=tour, email="wacht@example.org", status=Registration.Status.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_group_message(
            activity_id=tour.pk, group="waitlisted", subject="Nog plek?", body="Misschien."
        )
    [mail] = smtp_server.messages
    assert (mail["To"], mail["Subject"]) == ("wacht@example.org", "[Tour Oost] Nog plek?")
    assert (sent.recipients, services.sent_messages(activity=tour)) == (1, [sent])
    from changes.tasks import send_group_message

    assert send_group_message.call(message_id=sent.pk) == "skipped"


def test_partner_feed_shows_the_new_time_with_a_higher_sequence(
    client, django_capture_on_commit_callbacks
):
    tour = build_published_tour(registrants=1)
    stop = tour.stops.order_by("position").select_related("partner").first()
    url = f"/feeds/partners/{stop.partner.slug}.ics"

    def feed_event():
        events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        [event] = [e for e in events if str(e["UID"]).startswith(f"stop-{stop.pk}@")]
        return event

    before = feed_event()
    with django_capture_on_commit_callbacks(execute=True):
        move_start(Tour.objects.get(pk=tour.pk), 30)
    after = feed_event()
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_partner_mail_carries_its_stop_as_in_the_partner_feed(
    client, smtp_server, django_capture_on_commit_callbacks
):
    tour = build_published_tour(registrants=1, partners=1)
    stop = tour.stops.select_related("partner").get()
    feed = Calendar.from_ical(client.get(f"/feeds/partners/{stop.partner.slug}.ics").content)
    [before] = feed.walk("VEVENT")
    with django_capture_on_commit_callbacks(execute=True):
        move_start(Tour.objects.get(pk=tour.pk), 30)
    partner = by_recipient(smtp_server)["team1@partner.example.org, host1@partner.example.org"]
    calendar = Calendar.from_ical(calendar_part(partner))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(before["UID"])
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert event.decoded("DTSTART") - before.decoded("DTSTART") == dt.timedelta(minutes=30)
