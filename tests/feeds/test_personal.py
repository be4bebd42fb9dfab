import datetime as dt
import hashlib

import icalendar
import pytest

from activities.models import Activity, Registration
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, TourFactory
from tests.feeds.parsers import parse_with_icaljs, parse_with_vobject

pytestmark = pytest.mark.django_db


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@pytest.fixture
def anna():
    """Anna's registrations: two confirmed, one waitlisted, one cancelled; and a stranger."""
    tour = TourFactory(title="Wijktour Oost")
    session = KnowledgeSessionFactory(
        title="Kenniscafé Schulden", online_url="https://meet.example.org/schulden"
    )
    waitlisted = TourFactory(title="Volle tour")
    cancelled = TourFactory(title="Afgemelde tour")
    own = RegistrationFactory(
        activity=tour,
        name="Anna de Boer",
        email="anna@praktijk.example.org",
        feed_token_hash=token_hash("anna-secret"),
    )
    RegistrationFactory(activity=session, name="Anna de Boer", email="ANNA@praktijk.example.org")
    RegistrationFactory(activity=waitlisted, email="anna@praktijk.example.org", status="waitlisted")
    RegistrationFactory(activity=cancelled, email="anna@praktijk.example.org", status="cancelled")
    RegistrationFactory(activity=tour, name="Bram Stranger", email="bram@elders.example.org")
    return {"registration": own, "tour": tour, "session": session}


def test_personal_feed_lists_only_own_confirmed_registrations(client, anna):
    response = client.get("/feeds/personal/anna-secret.ics")
    expected = {
        f"activity-{a.pk}@127.0.0.1": (
            a.starts_at.astimezone(dt.UTC),
            a.ends_at.astimezone(dt.UTC),
            "CONFIRMED",
            0,
            a.title,
        )
        for a in (anna["tour"], anna["session"])
    }

    assert parse_with_icaljs(response.content) == expected
    assert parse_with_vobject(response.content) == expected


def test_personal_feed_has_no_other_peoples_data_nor_cancel_links(client, anna):
    body = client.get("/feeds/personal/anna-secret.ics").content.decode()
    unfolded = body.replace("\r\n ", "")

    for secret in ("Bram", "bram@", "Anna", "anna@", "cancel", "afmelden", "anna-secret"):
        assert secret not in unfolded
    assert "Online: https://meet.example.org/schulden" in unfolded


def test_public_feed_never_shows_online_link(client, anna):
    body = client.get("/feeds/activities.ics").content.decode().replace("\r\n ", "")

    assert "meet.example.org" not in body


def test_personal_feed_is_private_and_follows_changes(client, anna):
    first = client.get("/feeds/personal/anna-secret.ics")
    Registration.objects.filter(
        activity=anna["session"], email__iexact="anna@praktijk.example.org"
    ).update(status="cancelled")
    session = Activity.objects.get(pk=anna["session"].pk)
    session.save()

    second = client.get("/feeds/personal/anna-secret.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first["Cache-Control"], first["X-Robots-Tag"]) == (
        "private, max-age=300",
        "noindex, nofollow",
    )
    assert second.status_code == 200
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(second.content).events] == [
        f"activity-{anna['tour'].pk}@127.0.0.1"
    ]


def test_personal_feed_in_the_registrants_language(client, anna):
    Registration.objects.filter(pk=anna["registration"].pk).update(language="en")

    calendar = icalendar.Calendar.from_ical(client.get("/feeds/personal/anna-secret.ics").content)

    assert str(calendar["X-WR-CALNAME"]) == "Wijktour: my registrations"


def test_revoked_or_anonymised_token_is_404(client, anna):
    Registration.objects.filter(pk=anna["registration"].pk).update(
        anonymised_at=anna["tour"].created_at
    )

    assert client.get("/feeds/personal/anna-secret.ics").status_code == 404


def test_personal_feed_304_on_repeat(client, anna):
    first = client.get("/feeds/personal/anna-secret.ics")

    assert (
        client.get("/feeds/personal/anna-secret.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
