"""Registration mails say only what is true of this registration and this activity."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from activities import tasks
from activities.models import Registration
from tests.factories import (
    KnowledgeSessionFactory,
    PartnerFactory,
    RegistrationFactory,
    StopFactory,
    TourFactory,
)


def _text(registration: Registration, kind: str) -> tuple[str, object]:
    with translation.override("nl"):
        message = tasks.compose(registration=registration, kind=kind)
    return message.body, message


@pytest.mark.django_db
def test_cancellation_with_nobody_waiting_does_not_promise_the_waiting_list():
    tour = TourFactory()
    registration = RegistrationFactory(activity=tour, status=Registration.Status.CANCELLED)

    text, _message = _text(registration, "cancelled")

    assert "wachtlijst" not in text
    assert "Je plek is weer vrij voor iemand anders." in text
    assert "persoonlijk" not in text


@pytest.mark.django_db
def test_cancellation_with_someone_waiting_says_the_seat_goes_to_them():
    tour = TourFactory()
    registration = RegistrationFactory(activity=tour, status=Registration.Status.CANCELLED)
    RegistrationFactory(activity=tour, status=Registration.Status.WAITLISTED, waitlist_reason="Vol")

    text, _message = _text(registration, "cancelled")

    assert "Je plek gaat naar iemand op de wachtlijst." in text


@pytest.mark.django_db
def test_cancelled_waitlisted_person_is_not_told_about_a_seat():
    tour = TourFactory()
    registration = RegistrationFactory(
        activity=tour, status=Registration.Status.CANCELLED, waitlist_reason="Vol"
    )

    text, _message = _text(registration, "cancelled")

    assert "Je plek" not in text


@pytest.mark.django_db
def test_waitlisted_mail_promises_no_calendar_entry():
    tour = TourFactory()
    registration = RegistrationFactory(
        activity=tour, status=Registration.Status.WAITLISTED, waitlist_reason="Vol"
    )

    text, message = _text(registration, "waitlisted")

    assert "bijlage" not in text
    assert message.attachments == []
    assert "Deze link is persoonlijk: stuur deze e-mail niet door." in text


@pytest.mark.django_db
def test_tour_confirmation_carries_programme_what_to_bring_and_bike():
    tour = TourFactory(what_to_bring="Regenjas en fietsslot")
    first = StopFactory(tour=tour, partner=PartnerFactory(name="Buurtkamer Java"), position=1)
    first.arrives_at = tour.starts_at + dt.timedelta(minutes=20)
    first.save()
    StopFactory(tour=tour, partner=PartnerFactory(name="Voedselbank Oost"), position=2)
    registration = RegistrationFactory(activity=tour, bike_need="ebike")

    text, message = _text(registration, "confirmation")

    arrival = timezone.localtime(first.arrives_at).strftime("%H:%M")
    assert "Programma:" in text
    assert f"{arrival} Buurtkamer Java" in text and "Voedselbank Oost" in text
    assert "Meenemen:\nRegenjas en fietsslot" in text
    assert "Je fiets:\nE-bike" in text
    assert "De agenda-afspraak zit in de bijlage." in text
    assert len(message.attachments) == 1


@pytest.mark.django_db
def test_session_confirmation_carries_programme_and_speakers():
    session = KnowledgeSessionFactory(programme="15:00 Inloop", speakers="Mieke Bakker")
    registration = RegistrationFactory(activity=session)

    text, _message = _text(registration, "confirmation")

    assert "Programma:\n15:00 Inloop" in text
    assert "Sprekers:\nMieke Bakker" in text
