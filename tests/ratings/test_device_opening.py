import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from ratings import services
from tests.factories import StopFactory, TourFactory


@pytest.mark.django_db
def test_tour_device_link_opens_at_the_first_arrival_and_says_why(client):
    starts = timezone.now() - dt.timedelta(minutes=10)
    tour = TourFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    StopFactory(tour=tour, position=1, arrives_at=starts + dt.timedelta(minutes=40))
    url = urlsplit(services.device_url(activity=tour)).path

    response = client.get(url)

    arrival = timezone.localtime(starts + dt.timedelta(minutes=40)).strftime("%H:%M")
    assert response.status_code == 403
    assert f"Beoordelen kan vanaf {arrival}, als de groep bij de eerste halte aankomt" in (
        response.text
    )


@pytest.mark.django_db
def test_tour_device_link_is_open_after_the_first_arrival(client):
    starts = timezone.now() - dt.timedelta(hours=1)
    tour = TourFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    StopFactory(tour=tour, position=1, arrives_at=starts + dt.timedelta(minutes=20))

    assert services.device_rating_opens_at(activity=tour) == starts + dt.timedelta(minutes=20)
    assert client.get(urlsplit(services.device_url(activity=tour)).path).status_code == 200
