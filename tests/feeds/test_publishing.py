import datetime as dt

import pytest
from django.utils import translation

from feeds.publishing import _, activity_path, local_time
from tests.factories import KnowledgeSessionFactory, TourFactory

pytestmark = pytest.mark.django_db


def test_activity_path_equals_absolute_url_for_tour_and_session():
    activities = [TourFactory(), KnowledgeSessionFactory()]

    assert [activity_path(a) for a in activities] == [a.get_absolute_url() for a in activities]


def test_remembered_labels_follow_the_active_language():
    with translation.override("nl"):
        dutch = _("More information")
    with translation.override("en"):
        english = _("More information")

    assert (dutch, english) == ("Meer informatie", "More information")


def test_local_time_is_amsterdam_wall_clock_in_winter_and_summer():
    winter = dt.datetime(2027, 1, 12, 8, 5, tzinfo=dt.UTC)
    summer = dt.datetime(2027, 7, 12, 8, 5, tzinfo=dt.UTC)

    assert (local_time(winter), local_time(summer)) == ("09:05", "10:05")
