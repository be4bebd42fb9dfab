import datetime as dt

import pytest

from activities.models import Activity
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    TourFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
    next_weekday_at,
)
from tours import services
from tours.models import Stop, Tour

pytestmark = pytest.mark.django_db


def make_tour(**kwargs) -> Tour:
    kwargs.setdefault("status", Activity.Status.DRAFT)
    return TourFactory(**kwargs)


def partner_at(tour: Tour, name: str, lat: float, lon: float, **kwargs):
    return PartnerFactory(
        workspace=tour.workspace, name=name, latitude=lat, longitude=lon, **kwargs
    )


def test_compose_route_orders_stops_and_times_them():
    tour = make_tour(latitude=52.3600, longitude=4.9300, end_latitude=52.3600, end_longitude=4.9300)
    far = partner_at(tour, "Ver weg", 52.3700, 4.9300)
    near = partner_at(tour, "Dichtbij", 52.3650, 4.9300)
    services.set_stops(tour=tour, partner_ids=[far.pk, near.pk])
    stops = list(tour.stops.order_by("position").select_related("partner"))
    # Out and back along a line: either order is equally long, but both stops get times.
    assert [s.arrives_at is not None for s in stops] == [True, True]
    assert stops[0].departs_at - stops[0].arrives_at == dt.timedelta(minutes=30)
    tour.refresh_from_db()
    assert tour.route_problems == []
    assert tour.route_geometry["type"] == "LineString"
    assert len(tour.route_geometry["coordinates"]) == 4
    assert tour.ends_at > stops[1].departs_at
    last = (stops[1].partner.latitude, stops[1].partner.longitude)
    back = round(services.planning.distance_m(last, (52.3600, 4.9300)) * 1.3)
    assert tour.total_distance_m == sum(s.distance_from_previous_m for s in stops) + back


def test_compose_route_respects_visiting_windows():
    start = next_weekday_at(1, 13, 0)
    tour = make_tour(starts_at=start, latitude=52.36, longitude=4.93)
    late = partner_at(tour, "Pas open om drie", 52.3605, 4.9305)
    early = partner_at(tour, "Dicht om half twee", 52.3700, 4.9400)
    VisitingWindowFactory(partner=late, weekday=1, opens_at=dt.time(15), closes_at=dt.time(17))
    VisitingWindowFactory(partner=early, weekday=1, opens_at=dt.time(12), closes_at=dt.time(14, 30))
    services.set_stops(tour=tour, partner_ids=[late.pk, early.pk])
    stops = list(tour.stops.order_by("position"))
    assert [s.partner_id for s in stops] == [early.pk, late.pk]
    local_arrival = stops[1].arrives_at.astimezone(start.tzinfo)
    assert local_arrival.time() == dt.time(15, 0)


def test_compose_route_reports_stop_that_cannot_fit():
    start = next_weekday_at(1, 15, 0)
    tour = make_tour(starts_at=start, latitude=52.36, longitude=4.93)
    kolk = partner_at(tour, "Buurthuis De Kolk", 52.3900, 4.9300)
    VisitingWindowFactory(partner=kolk, weekday=1, opens_at=dt.time(9), closes_at=dt.time(15, 5))
    services.set_stops(tour=tour, partner_ids=[kolk.pk])
    tour.refresh_from_db()
    assert len(tour.route_problems) == 1
    problem = tour.route_problems[0]
    assert problem["kind"] == "closes_before_arrival"
    message = services.problem_message(problem)
    assert message.startswith("Buurthuis De Kolk")
    assert "15:05" in message and problem["arrival"] in message
    stop = tour.stops.get()
    assert (stop.arrives_at, stop.window_violation) == (None, "closes_before_arrival")
    with pytest.raises(services.TourError):
        services.publish_tour(tour=tour)


def test_manual_order_keeps_order_and_flags_violation():
    start = next_weekday_at(1, 13, 0)
    tour = make_tour(starts_at=start, latitude=52.36, longitude=4.93)
    first = partner_at(tour, "Eerste", 52.3605, 4.9305)
    closing = partner_at(tour, "Sluit vroeg", 52.3610, 4.9310)
    VisitingWindowFactory(
        partner=closing, weekday=1, opens_at=dt.time(12), closes_at=dt.time(13, 45)
    )
    services.set_stops(tour=tour, partner_ids=[first.pk, closing.pk])
    assert list(tour.stops.values_list("partner_id", flat=True)) == [closing.pk, first.pk]
    first_stop = tour.stops.get(partner=first)
    services.move_stop(tour=tour, stop_id=first_stop.pk, offset=-1)
    tour.refresh_from_db()
    assert tour.manual_order is True
    stops = list(tour.stops.order_by("position"))
    assert [s.partner_id for s in stops] == [first.pk, closing.pk]
    assert [s.window_violation for s in stops] == ["", "departs_after_close"]
    assert [p["name"] for p in tour.route_problems] == ["Sluit vroeg"]
    assert stops[1].arrives_at is not None


def test_duplicate_tour_copies_stops_as_draft():
    tour = make_tour(status=Activity.Status.PUBLISHED)
    partners = [partner_at(tour, f"P{i}", 52.361 + i * 0.001, 4.931) for i in range(3)]
    host = ContactFactory(partner=partners[0])
    services.set_stops(tour=tour, partner_ids=[p.pk for p in partners])
    services.update_stop(stop=tour.stops.get(partner=partners[0]), host=host, programme="Koffie")
    new_day = tour.starts_at.date() + dt.timedelta(days=7)
    copy = services.duplicate_tour(tour=tour, starts_on=new_day)
    assert copy.pk != tour.pk
    assert copy.status == Activity.Status.DRAFT
    assert copy.starts_at == tour.starts_at + dt.timedelta(days=7)
    original = list(tour.stops.order_by("position").values_list("partner_id", "host_id"))
    copied = list(copy.stops.order_by("position").values_list("partner_id", "host_id"))
    assert copied == original
    assert copy.stops.get(partner=partners[0]).programme == "Koffie"
    assert all(s.arrives_at is not None for s in copy.stops.all())


def test_publish_and_cancel_tour():
    tour = make_tour()
    partner = partner_at(tour, "Buurthuis", 52.361, 4.931)
    with pytest.raises(services.TourError):
        services.publish_tour(tour=tour)
    services.set_stops(tour=tour, partner_ids=[partner.pk])
    services.publish_tour(tour=tour)
    tour.refresh_from_db()
    assert tour.status == Activity.Status.PUBLISHED
    services.cancel_tour(tour=tour)
    tour.refresh_from_db()
    assert tour.status == Activity.Status.CANCELLED
    with pytest.raises(services.TourError):
        services.publish_tour(tour=tour)


def test_set_stops_refuses_partner_of_other_workspace():
    tour = make_tour()
    other = PartnerFactory(workspace=WorkspaceFactory())
    with pytest.raises(services.TourError) as error:
        services.set_stops(tour=tour, partner_ids=[other.pk])
    assert error.value.field == "partners"
    assert Stop.objects.count() == 0


def test_create_tour_takes_meeting_point_from_partner():
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    venue = PartnerFactory(workspace=workspace, latitude=52.37, longitude=4.94)
    tour = services.create_tour(
        workspace=workspace,
        coordinator=coordinator,
        title="Wijktour Oost",
        starts_at=next_weekday_at(1, 13),
        neighbourhood=neighbourhood,
        venue_partner=venue,
    )
    assert (tour.latitude, tour.longitude, tour.venue_name) == (52.37, 4.94, venue.name)
    assert tour.status == Activity.Status.DRAFT
    assert tour.ends_at - tour.starts_at == dt.timedelta(hours=3)


def test_suggest_tour_covers_wanted_themes():
    workspace = WorkspaceFactory()
    neighbourhood = NeighbourhoodFactory(workspace=workspace, latitude=52.36, longitude=4.93)
    money, lonely = ThemeFactory(), ThemeFactory()
    partners = [
        PartnerFactory(
            workspace=workspace,
            neighbourhoods=[neighbourhood],
            themes=[theme],
            domain=domain,
            latitude=52.36 + i * 0.002,
            longitude=4.93,
        )
        for i, (theme, domain) in enumerate(
            [(money, "sociaal"), (lonely, "welzijn"), (money, "medisch"), (lonely, "welzijn")]
        )
    ]
    suggestion = services.suggest_tour(
        neighbourhood=neighbourhood,
        theme_ids=[money.pk, lonely.pk],
        starts_at=next_weekday_at(1, 13),
        budget_minutes=240,
        start=services.planning.Place(52.36, 4.93),
        min_stops=2,
        max_stops=3,
    )
    assert suggestion.missing_theme_ids == set()
    assert len(suggestion.partners) == 3
    assert len(set(suggestion.domains)) == 3
    assert partners[3] not in suggestion.partners


def test_compose_route_reports_partner_closed_that_day():
    tour = make_tour(starts_at=next_weekday_at(1, 13))
    closed = partner_at(tour, "Alleen op maandag", 52.361, 4.931)
    open_ = partner_at(tour, "Altijd open", 52.362, 4.932)
    VisitingWindowFactory(partner=closed, weekday=0)
    services.set_stops(tour=tour, partner_ids=[closed.pk, open_.pk])
    tour.refresh_from_db()
    assert [p["kind"] for p in tour.route_problems] == ["closed_day"]
    assert services.problem_message(tour.route_problems[0]) == (
        "Alleen op maandag ontvangt op deze dag geen groepen."
    )
    stops = list(tour.stops.order_by("position"))
    assert [(s.partner_id, s.arrives_at is None) for s in stops] == [
        (open_.pk, False),
        (closed.pk, True),
    ]
