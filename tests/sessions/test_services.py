import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from activities.models import Activity, Registration
from sessions import services
from sessions.models import KnowledgeSession
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, WorkspaceFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def session_data(starts_at: dt.datetime) -> dict:
    return {
        "title": "Kenniscafé Eenzaamheid",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "registration_deadline": starts_at - dt.timedelta(days=1),
        "venue_name": "Bibliotheek Oost",
        "venue_address": "Linnaeusstraat 44, Amsterdam",
        "capacity": 25,
    }


def test_series_dates_monthly_keeps_nth_weekday():
    # 2nd Tuesday of January 2027 is the 12th.
    first = dt.datetime(2027, 1, 12, 15, 30, tzinfo=AMSTERDAM)

    dates = services.series_dates(first=first, frequency="monthly", count=4)

    assert [(d.month, d.day, d.weekday(), d.hour) for d in dates] == [
        (1, 12, 1, 15),
        (2, 9, 1, 15),
        (3, 9, 1, 15),
        (4, 13, 1, 15),
    ]


def test_series_dates_weekly_keeps_local_time_across_dst():
    first = dt.datetime(2027, 3, 23, 16, 0, tzinfo=AMSTERDAM)

    dates = services.series_dates(first=first, frequency="weekly", count=2)

    assert [timezone.localtime(d, AMSTERDAM).hour for d in dates] == [16, 16]
    assert dates[1].astimezone(dt.UTC) - dates[0].astimezone(dt.UTC) == dt.timedelta(
        days=7, hours=-1
    )


@pytest.mark.django_db
def test_create_series_creates_drafts_with_deadlines():
    workspace = WorkspaceFactory()
    first = dt.datetime(2027, 1, 12, 15, 30, tzinfo=AMSTERDAM)

    series = services.create_series(
        workspace=workspace, data=session_data(first), frequency="monthly", count=3
    )

    sessions = list(series.sessions.order_by("starts_at"))
    assert [s.status for s in sessions] == ["draft"] * 3
    assert [s.starts_at - s.registration_deadline for s in sessions] == [dt.timedelta(days=1)] * 3


@pytest.mark.django_db
def test_update_series_from_changes_this_and_later_dates_only():
    workspace = WorkspaceFactory()
    first = dt.datetime(2027, 1, 12, 15, 30, tzinfo=AMSTERDAM)
    series = services.create_series(
        workspace=workspace, data=session_data(first), frequency="monthly", count=3
    )
    _first, two, three = series.sessions.order_by("starts_at")
    new_start = timezone.localtime(two.starts_at, AMSTERDAM).replace(hour=10, minute=0)

    services.update_series_from(
        session=two,
        data={
            "title": "Kenniscafé Zingeving",
            "starts_at": new_start,
            "ends_at": new_start + dt.timedelta(hours=3),
        },
    )

    titles = list(series.sessions.order_by("starts_at").values_list("title", flat=True))
    assert titles == ["Kenniscafé Eenzaamheid", "Kenniscafé Zingeving", "Kenniscafé Zingeving"]
    three.refresh_from_db()
    local = timezone.localtime(three.starts_at, AMSTERDAM)
    assert (local.day, local.hour, three.ends_at - three.starts_at) == (
        9,
        10,
        dt.timedelta(hours=3),
    )


@pytest.mark.django_db
def test_update_session_larger_capacity_promotes_waiting():
    session = KnowledgeSession.objects.get(pk=KnowledgeSessionFactory(capacity=1).pk)
    RegistrationFactory(activity=session)
    waiting = RegistrationFactory(activity=session, status=Registration.Status.WAITLISTED)

    services.update_session(session=session, data={"capacity": 2})

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@pytest.mark.django_db
def test_duplicate_session_is_a_draft_a_week_later_without_registrations():
    session = KnowledgeSessionFactory(speakers="Dr. A. Jansen")
    RegistrationFactory(activity=session)

    copy = services.duplicate_session(session=session)

    assert (copy.status, copy.speakers, copy.registrations.count()) == ("draft", "Dr. A. Jansen", 0)
    assert copy.starts_at - session.starts_at == dt.timedelta(days=7)


@pytest.mark.django_db
def test_publish_cancelled_session_is_refused():
    session = KnowledgeSessionFactory(status=Activity.Status.CANCELLED)

    with pytest.raises(services.SessionError):
        services.publish_session(session=session)
