import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from accreditation.attendance import (
    arrival_time,
    awarded_points,
    hours,
    net_minutes,
    required_minutes,
)

TZ = ZoneInfo("Europe/Amsterdam")


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 10, hour, minute, tzinfo=TZ)


START, END = at(16), at(18)
BREAK = [(at(17), at(17, 15))]


def test_net_minutes_whole_activity_minus_break():
    assert net_minutes(starts_at=START, ends_at=END, breaks=BREAK) == 105


def test_net_minutes_left_during_break_counts_until_break():
    assert net_minutes(starts_at=START, ends_at=END, breaks=BREAK, left_at=at(17, 5)) == 60


def test_net_minutes_late_and_early():
    minutes = net_minutes(
        starts_at=START, ends_at=END, breaks=BREAK, arrived_at=at(16, 30), left_at=at(17, 45)
    )

    assert minutes == 60


def test_net_minutes_overlapping_breaks_count_once():
    breaks = [(at(16, 30), at(17)), (at(16, 45), at(17, 15))]

    assert net_minutes(starts_at=START, ends_at=END, breaks=breaks) == 75


def test_net_minutes_outside_the_activity_is_zero():
    assert net_minutes(starts_at=START, ends_at=END, arrived_at=at(18, 30)) == 0
    assert net_minutes(starts_at=START, ends_at=END, left_at=at(15)) == 0


def test_arrival_time_within_grace_counts_from_start():
    grace = dt.timedelta(minutes=15)
    common = {"starts_at": START, "ends_at": END, "grace": grace}

    assert arrival_time(checked_in_at=at(15, 50), **common) == START
    assert arrival_time(checked_in_at=at(16, 15), **common) == START
    assert arrival_time(checked_in_at=at(16, 16), **common) == at(16, 16)
    assert arrival_time(checked_in_at=at(19), **common) == START
    assert arrival_time(checked_in_at=None, **common) is None


def test_required_minutes_never_more_than_the_activity():
    assert required_minutes(starts_at=START, ends_at=END, breaks=BREAK) == 105
    assert (
        required_minutes(
            starts_at=START, ends_at=END, breaks=BREAK, accredited_hours=Decimal("1.5")
        )
        == 90
    )
    assert (
        required_minutes(starts_at=START, ends_at=END, breaks=BREAK, accredited_hours=Decimal("3"))
        == 105
    )


def test_awarded_points_in_proportion_rounded_down():
    assert awarded_points(points=Decimal("2.0"), attended=105, required=105) == Decimal("2.0")
    assert awarded_points(points=Decimal("2.0"), attended=60, required=105) == Decimal("1.1")
    assert awarded_points(points=None, attended=60, required=105) is None


def test_hours_two_decimals_rounded_down():
    assert hours(105) == Decimal("1.75")
    assert hours(100) == Decimal("1.66")
