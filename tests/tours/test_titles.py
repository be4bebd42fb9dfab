import datetime as dt

import pytest

from tours.titles import retitle_for_date

OLD, NEW = dt.date(2027, 3, 12), dt.date(2027, 4, 9)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Wijktour Indische Buurt 12 maart", "Wijktour Indische Buurt 9 april"),
        ("Wijktour 12 maart 2027", "Wijktour 9 april 2027"),
        ("Wijktour (12-03-2027)", "Wijktour (09-04-2027)"),
        ("Tour March 12", "Tour April 9"),
        ("Wijktour Indische Buurt", "Wijktour Indische Buurt"),
    ],
)
def test_retitle_for_date_replaces_the_old_date(title, expected):
    assert retitle_for_date(title, old=OLD, new=NEW) == expected
