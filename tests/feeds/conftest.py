import datetime as dt

import pytest

from feeds.ical import AMSTERDAM


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


@pytest.fixture
def next_year() -> int:
    return dt.date.today().year + 1


@pytest.fixture
def moments(next_year):
    """Start/end pairs in winter time, summer time and across both DST changes."""
    spring = last_sunday(next_year, 3)
    autumn = last_sunday(next_year, 10)
    return {
        "winter": (
            dt.datetime(next_year, 1, 12, 14, 0, tzinfo=AMSTERDAM),
            dt.datetime(next_year, 1, 12, 17, 30, tzinfo=AMSTERDAM),
        ),
        "summer": (
            dt.datetime(next_year, 7, 6, 13, 0, tzinfo=AMSTERDAM),
            dt.datetime(next_year, 7, 6, 16, 0, tzinfo=AMSTERDAM),
        ),
        # 01:30 CET to 04:00 CEST: the clocks jump from 02:00 to 03:00 in between.
        "spring_change": (
            dt.datetime.combine(spring, dt.time(1, 30), tzinfo=AMSTERDAM),
            dt.datetime.combine(spring, dt.time(4, 0), tzinfo=AMSTERDAM),
        ),
        # 01:30 CEST to 02:30 CET: the second 02:30 of the night, only expressible in UTC.
        "autumn_change": (
            dt.datetime.combine(autumn, dt.time(1, 30), tzinfo=AMSTERDAM),
            dt.datetime.combine(autumn, dt.time(2, 30, fold=1), tzinfo=AMSTERDAM),
        ),
    }
