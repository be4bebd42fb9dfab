import datetime as dt

import pytest

from activities.models import Activity
from tests.factories import (
    ContactFactory,
    PartnerFactory,
    RegistrationFactory,
    TourFactory,
    VisitingWindowFactory,
    next_weekday_at,
)
from tours import services as tour_services
from tours.models import Tour


def build_published_tour(*, registrants: int = 3, partners: int = 2) -> Tour:
    """A published tour on a Tuesday at 13:00 past `partners` stops (open 12:00–17:00), each
    partner with a public e-mail and one opted-in contact, and confirmed registrants."""
    tour = TourFactory(
        status=Activity.Status.DRAFT, starts_at=next_weekday_at(1, 13, 0), title="Tour Oost"
    )
    stops = []
    for index in range(partners):
        partner = PartnerFactory(
            workspace=tour.workspace,
            name=f"Buurtteam {index + 1}",
            email=f"team{index + 1}@partner.example.org",
            latitude=52.3630 + index * 0.002,
            longitude=4.9400,
            neighbourhoods=[tour.neighbourhood],
        )
        VisitingWindowFactory(
            partner=partner, weekday=1, opens_at=dt.time(12), closes_at=dt.time(17)
        )
        ContactFactory(
            partner=partner,
            email=f"host{index + 1}@partner.example.org",
            receives_tour_notices=True,
        )
        ContactFactory(partner=partner, email=f"quiet{index + 1}@partner.example.org")
        stops.append(partner.pk)
    tour_services.set_stops(tour=tour, partner_ids=stops)
    tour_services.publish_tour(tour=tour)
    for n in range(registrants):
        RegistrationFactory(activity=tour, email=f"deelnemer{n}@example.org")
    return Tour.objects.get(pk=tour.pk)


@pytest.fixture
def published_tour(db) -> Tour:
    return build_published_tour()
