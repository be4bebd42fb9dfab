import datetime as dt

import pytest

from activities.models import Activity
from tests.factories import TourFactory


@pytest.mark.django_db
def test_activity_sequence_grows_when_time_changes():
    tour = TourFactory()
    tour = Activity.objects.get(pk=tour.pk)

    tour.starts_at += dt.timedelta(hours=1)
    tour.ends_at += dt.timedelta(hours=1)
    tour.save()

    assert Activity.objects.get(pk=tour.pk).sequence == 1


@pytest.mark.django_db
def test_activity_sequence_stays_when_only_description_changes():
    tour = Activity.objects.get(pk=TourFactory().pk)

    tour.description = "Nieuwe tekst"
    tour.save()

    assert Activity.objects.get(pk=tour.pk).sequence == 0


@pytest.mark.django_db
def test_activity_sequence_grows_on_cancellation_with_update_fields():
    tour = Activity.objects.get(pk=TourFactory().pk)

    tour.status = Activity.Status.CANCELLED
    tour.save(update_fields=["status"])

    assert Activity.objects.get(pk=tour.pk).sequence == 1
