import datetime as dt
import hashlib

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    RegistrationFactory,
    StopFactory,
    ThemeFactory,
    TourFactory,
)
from tests.feeds.parsers import parse_with_icaljs, parse_with_vobject

pytestmark = pytest.mark.django_db


def events_of(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.events}


def parsed_by_icalendar(body: bytes) -> dict[str, tuple]:
    return {
        str(e["UID"]): (
            e.start.astimezone(dt.UTC),
            e.end.astimezone(dt.UTC),
            str(e["STATUS"]),
            int(e["SEQUENCE"]),
            str(e["SUMMARY"]),
        )
        for e in icalendar.Calendar.from_ical(body).events
    }


@pytest.fixture
def neighbourhood():
    return NeighbourhoodFactory(slug="indische-buurt", name="Indische Buurt")


@pytest.fixture
def dst_activities(moments, neighbourhood):
    """A tour and a kenniscafé for each moment: winter, summer, both DST nights."""
    made = {}
    for label, (starts_at, ends_at) in moments.items():
        made[f"tour-{label}"] = TourFactory(
            workspace=neighbourhood.workspace,
            neighbourhood=neighbourhood,
            starts_at=starts_at,
            ends_at=ends_at,
            title=f"Tour {label}",
        )
        made[f"session-{label}"] = KnowledgeSessionFactory(
            workspace=neighbourhood.workspace,
            neighbourhood=neighbourhood,
            starts_at=starts_at,
            ends_at=ends_at,
            title=f"Café {label}",
        )
    return made


def expected_times(activities) -> dict[str, tuple]:
    return {
        f"activity-{a.pk}@127.0.0.1": (
            a.starts_at.astimezone(dt.UTC),
            a.ends_at.astimezone(dt.UTC),
            "CONFIRMED",
            0,
            a.title,
        )
        for a in activities
    }


@pytest.mark.parametrize(
    "url",
    ["/feeds/activities.ics", "/feeds/neighbourhoods/indische-buurt.ics"],
)
def test_feed_times_equal_database_in_three_parsers(client, dst_activities, url):
    response = client.get(url)
    expected = expected_times(dst_activities.values())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert parsed_by_icalendar(response.content) == expected
    assert parse_with_icaljs(response.content) == expected
    assert parse_with_vobject(response.content) == expected


def test_feed_writes_amsterdam_tzid_and_utc_only_for_the_repeated_hour(client, dst_activities):
    body = client.get("/feeds/activities.ics").content.decode()
    autumn = dst_activities["tour-autumn_change"]
    uid_block = body.split(f"UID:activity-{autumn.pk}@")[0].rsplit("BEGIN:VEVENT", 1)[1]

    assert body.count("DTSTART;TZID=Europe/Amsterdam:") == 8
    assert [line for line in uid_block.splitlines() if line.startswith("DT")][:2] == [
        f"DTSTART;TZID=Europe/Amsterdam:{autumn.starts_at:%Y%m%d}T013000",
        f"DTEND:{autumn.ends_at.astimezone(dt.UTC):%Y%m%dT%H%M%S}Z",
    ]


def test_partner_feed_shows_their_stop_with_group_size_and_coordinator(client, moments):
    coordinator = CoordinatorFactory(first_name="Sanne", last_name="de Vries")
    partner = PartnerFactory(slug="buurthuis-oost", name="Buurthuis Oost", address="Javaplein 9")
    arrives_at, _ = moments["summer"]
    tour = TourFactory(
        workspace=partner.workspace,
        coordinator=coordinator,
        starts_at=arrives_at - dt.timedelta(hours=1),
        ends_at=arrives_at + dt.timedelta(hours=2),
        title="Wijktour Oost",
    )
    stop = StopFactory(
        tour=tour,
        partner=partner,
        arrives_at=arrives_at,
        departs_at=arrives_at + dt.timedelta(minutes=40),
        programme="Rondleiding en vragen",
    )
    StopFactory(tour=tour, arrives_at=arrives_at + dt.timedelta(hours=1))
    RegistrationFactory.create_batch(3, activity=tour)
    RegistrationFactory(activity=tour, status="cancelled")
    session = KnowledgeSessionFactory(
        workspace=partner.workspace,
        venue_partner=partner,
        starts_at=moments["winter"][0],
        ends_at=moments["winter"][1],
    )

    response = client.get("/feeds/partners/buurthuis-oost.ics")
    events = events_of(response)
    stop_event = events[f"stop-{stop.pk}@127.0.0.1"]

    assert sorted(events) == sorted(
        [f"stop-{stop.pk}@127.0.0.1", f"activity-{session.pk}@127.0.0.1"]
    )
    assert (stop_event.start, stop_event.end) == (stop.arrives_at, stop.departs_at)
    assert str(stop_event["LOCATION"]) == "Buurthuis Oost, Javaplein 9, 1094 HW Amsterdam"
    assert str(stop_event["SUMMARY"]) == "Wijktourbezoek: Wijktour Oost"
    description = str(stop_event["DESCRIPTION"])
    assert "Groepsgrootte: 3 aanmeldingen" in description
    assert "Coördinator: Sanne de Vries" in description
    assert parse_with_icaljs(response.content)[f"stop-{stop.pk}@127.0.0.1"][:2] == (
        stop.arrives_at.astimezone(dt.UTC),
        stop.departs_at.astimezone(dt.UTC),
    )


def test_feed_event_carries_location_geo_url_description_categories(client, neighbourhood):
    theme = ThemeFactory(slug="eenzaamheid", name="Eenzaamheid", name_en="Loneliness")
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    tour.themes.set([theme])
    first = StopFactory(
        tour=tour,
        arrives_at=tour.starts_at + dt.timedelta(minutes=20),
        departs_at=tour.starts_at + dt.timedelta(minutes=50),
    )

    event = events_of(client.get("/feeds/activities.ics"))[f"activity-{tour.pk}@127.0.0.1"]

    assert str(event["LOCATION"]) == "Buurtcentrum, Javaplein 1, Amsterdam"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (52.3625, 4.939)
    assert str(event["URL"]) == f"http://127.0.0.1:8000/tours/{tour.pk}/"
    assert event.categories == ["Eenzaamheid"]
    assert f"{first.partner.name}, {first.partner.address}" in str(event["DESCRIPTION"])
    assert "Programma:" in str(event["DESCRIPTION"])
    assert event["DTSTAMP"].dt == tour.updated_at.replace(microsecond=0)
    assert event["CREATED"].dt == tour.created_at.replace(microsecond=0)


def test_feed_in_english_on_request(client, neighbourhood):
    theme = ThemeFactory(slug="eenzaamheid", name="Eenzaamheid", name_en="Loneliness")
    tour = TourFactory(
        neighbourhood=neighbourhood,
        workspace=neighbourhood.workspace,
        status=Activity.Status.CANCELLED,
    )
    tour.themes.set([theme])

    event = events_of(client.get("/feeds/activities.ics?lang=en"))[f"activity-{tour.pk}@127.0.0.1"]

    assert (str(event["SUMMARY"]), event.categories) == (f"CANCELLED: {tour.title}", ["Loneliness"])


def test_uids_stable_and_sequence_grows_after_change(client, neighbourhood):
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    before = events_of(client.get("/feeds/activities.ics"))

    tour = Activity.objects.get(pk=tour.pk)
    tour.starts_at += dt.timedelta(hours=1)
    tour.ends_at += dt.timedelta(hours=1)
    tour.save()
    after = events_of(client.get("/feeds/activities.ics"))

    assert list(before) == list(after) == [f"activity-{tour.pk}@127.0.0.1"]
    assert (
        int(before[f"activity-{tour.pk}@127.0.0.1"]["SEQUENCE"]),
        int(after[f"activity-{tour.pk}@127.0.0.1"]["SEQUENCE"]),
    ) == (0, 1)


def test_cancelled_activity_stays_as_cancelled_until_past(client, neighbourhood):
    upcoming = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    past = TourFactory(
        neighbourhood=neighbourhood,
        workspace=neighbourhood.workspace,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=3),
    )
    for tour in (upcoming, past):
        tour = Activity.objects.get(pk=tour.pk)
        tour.status = Activity.Status.CANCELLED
        tour.save()

    response = client.get("/feeds/activities.ics")
    uid = f"activity-{upcoming.pk}@127.0.0.1"

    assert list(events_of(response)) == [uid]
    assert parse_with_icaljs(response.content)[uid][2:4] == ("CANCELLED", 1)
    assert parse_with_vobject(response.content)[uid][2:5] == (
        "CANCELLED",
        1,
        f"GEANNULEERD: {upcoming.title}",
    )


def test_feed_window_keeps_past_thirty_days_and_skips_drafts(client, neighbourhood):
    now = timezone.now()
    recent = TourFactory(
        neighbourhood=neighbourhood,
        workspace=neighbourhood.workspace,
        starts_at=now - dt.timedelta(days=20),
        ends_at=now - dt.timedelta(days=20) + dt.timedelta(hours=3),
    )
    TourFactory(
        neighbourhood=neighbourhood,
        workspace=neighbourhood.workspace,
        starts_at=now - dt.timedelta(days=40),
        ends_at=now - dt.timedelta(days=40) + dt.timedelta(hours=3),
    )
    TourFactory(
        neighbourhood=neighbourhood, workspace=neighbourhood.workspace, status=Activity.Status.DRAFT
    )

    assert list(events_of(client.get("/feeds/activities.ics"))) == [
        f"activity-{recent.pk}@127.0.0.1"
    ]


def test_activities_feed_filters_like_the_agenda(client, neighbourhood):
    theme = ThemeFactory(slug="mantelzorg")
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    tour.themes.set([theme])
    session = KnowledgeSessionFactory(
        neighbourhood=neighbourhood, workspace=neighbourhood.workspace
    )
    KnowledgeSessionFactory()

    by_kind = events_of(
        client.get("/feeds/activities.ics?kind=session&neighbourhood=indische-buurt")
    )
    by_theme = events_of(client.get("/feeds/activities.ics?theme=mantelzorg"))
    theme_feed = events_of(client.get("/feeds/themes/mantelzorg.ics"))

    assert list(by_kind) == [f"activity-{session.pk}@127.0.0.1"]
    assert list(by_theme) == list(theme_feed) == [f"activity-{tour.pk}@127.0.0.1"]


@pytest.mark.parametrize(
    "query",
    ["kind=party", "neighbourhood=nowhere", "theme=nothing", "lang=fr", "neighbourhood=%00"],
)
def test_bad_query_parameter_is_400(client, query):
    response = client.get(f"/feeds/activities.ics?{query}")

    assert (response.status_code, response["Content-Type"]) == (400, "text/plain; charset=utf-8")


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/neighbourhoods/nowhere.ics",
        "/feeds/partners/nobody.ics",
        "/feeds/themes/nothing.ics",
        "/feeds/personal/not-a-token.ics",
        "/feeds/activities/999999.ics",
    ],
)
def test_unknown_slug_is_404(client, url):
    assert client.get(url).status_code == 404


def test_draft_activity_download_is_404(client):
    draft = TourFactory(status=Activity.Status.DRAFT)

    assert client.get(f"/feeds/activities/{draft.pk}.ics").status_code == 404


def test_single_activity_download(client):
    session = KnowledgeSessionFactory(title="Kenniscafé Mantelzorg")

    response = client.get(f"/feeds/activities/{session.pk}.ics")

    assert response["Content-Disposition"] == 'attachment; filename="kenniscafe-mantelzorg.ics"'
    assert list(events_of(response)) == [f"activity-{session.pk}@127.0.0.1"]


def test_public_feed_headers(client, neighbourhood):
    TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)

    response = client.get("/feeds/neighbourhoods/indische-buurt.ics")

    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"].startswith('W/"')
    assert response.has_header("Last-Modified")


def test_conditional_requests_answer_304_without_building(client, neighbourhood):
    TourFactory.create_batch(3, neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    first = client.get("/feeds/neighbourhoods/indische-buurt.ics")

    with CaptureQueriesContext(connection) as by_etag:
        etag_response = client.get(
            "/feeds/neighbourhoods/indische-buurt.ics", HTTP_IF_NONE_MATCH=first["ETag"]
        )
    with CaptureQueriesContext(connection) as by_date:
        date_response = client.get(
            "/feeds/neighbourhoods/indische-buurt.ics",
            HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
        )

    assert (etag_response.status_code, date_response.status_code) == (304, 304)
    assert (etag_response.content, etag_response["ETag"]) == (b"", first["ETag"])
    # The neighbourhood lookup and the one aggregate: no activity is loaded.
    assert (len(by_etag), len(by_date)) == (2, 2)


def test_etag_changes_when_an_activity_changes(client, neighbourhood):
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    first = client.get("/feeds/activities.ics")
    tour = Activity.objects.get(pk=tour.pk)
    tour.venue_address = "Molukkenstraat 1"
    tour.save()

    response = client.get("/feeds/activities.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def make_activities(count: int, neighbourhood, partner) -> None:
    for index in range(count):
        tour = TourFactory(
            neighbourhood=neighbourhood,
            workspace=neighbourhood.workspace,
            venue_partner=partner if index % 2 else None,
        )
        tour.themes.set([ThemeFactory(slug="bewegen")])
        StopFactory(
            tour=tour,
            partner=partner,
            arrives_at=tour.starts_at,
            departs_at=tour.starts_at + dt.timedelta(minutes=30),
        )
        StopFactory(
            tour=tour,
            arrives_at=tour.starts_at + dt.timedelta(hours=1),
            departs_at=tour.starts_at + dt.timedelta(hours=1, minutes=30),
        )
        RegistrationFactory(activity=tour, email="anna@praktijk.example.org")
        session = KnowledgeSessionFactory(
            neighbourhood=neighbourhood, venue_partner=partner, workspace=neighbourhood.workspace
        )
        RegistrationFactory(activity=session, email="anna@praktijk.example.org")


@pytest.mark.parametrize("count", [1, 3, 50])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # One query each for the activities' accreditations (accreditation.selectors).
        ("/feeds/activities.ics", 5),
        ("/feeds/activities.ics?theme=bewegen&kind=tour", 6),
        ("/feeds/neighbourhoods/indische-buurt.ics", 6),
        ("/feeds/themes/bewegen.ics", 6),
        ("/feeds/partners/buurthuis-oost.ics", 8),
        ("/feeds/personal/secret-token.ics", 6),
    ],
)
def test_feed_query_count_does_not_grow(
    client, django_assert_num_queries, neighbourhood, count, url, queries
):
    partner = PartnerFactory(slug="buurthuis-oost", workspace=neighbourhood.workspace)
    make_activities(count, neighbourhood, partner)
    owner = RegistrationFactory(
        activity=TourFactory(),
        email="Anna@praktijk.example.org",
        feed_token_hash=hashlib.sha256(b"secret-token").hexdigest(),
    )
    assert owner.pk

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_partner_and_personal_feeds_answer_304_from_one_aggregate(client, neighbourhood):
    partner = PartnerFactory(slug="buurthuis-oost", workspace=neighbourhood.workspace)
    make_activities(3, neighbourhood, partner)
    RegistrationFactory(
        activity=TourFactory(),
        email="anna@praktijk.example.org",
        feed_token_hash=hashlib.sha256(b"secret-token").hexdigest(),
    )
    counts = []
    for url in ("/feeds/partners/buurthuis-oost.ics", "/feeds/personal/secret-token.ics"):
        etag = client.get(url)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        counts.append((response.status_code, len(queries)))

    # The partner or registration lookup, and one aggregate.
    assert counts == [(304, 2), (304, 2)]


def test_partner_feed_changes_when_someone_registers(client, neighbourhood):
    partner = PartnerFactory(slug="buurthuis-oost", workspace=neighbourhood.workspace)
    make_activities(1, neighbourhood, partner)
    first = client.get("/feeds/partners/buurthuis-oost.ics")
    RegistrationFactory(activity=Activity.objects.filter(kind="tour").get())

    second = client.get("/feeds/partners/buurthuis-oost.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert b"Groepsgrootte: 2 aanmeldingen" in second.content.replace(b"\r\n ", b"")
