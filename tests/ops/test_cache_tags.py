"""Which cached public pages a change makes stale: exactly those that show what changed."""

import pytest
from django.test import Client

from activities import services
from activities.models import Activity, Registration
from core.vocab import Profession
from tests.factories import (
    KnowledgeSessionFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    StopFactory,
    ThemeFactory,
    TourFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_cache")]


@pytest.fixture
def world():
    """Tour A in Oost (theme Eenzaamheid, a stop at Buurthuis Oost); kenniscafé B in West
    (theme Mantelzorg, at the Bibliotheek, no seats left); a partner in neither."""
    workspace = WorkspaceFactory()
    oost = NeighbourhoodFactory(workspace=workspace, slug="oost")
    west = NeighbourhoodFactory(workspace=workspace, slug="west")
    lonely = ThemeFactory(slug="eenzaamheid", name="Eenzaamheid")
    care = ThemeFactory(slug="mantelzorg", name="Mantelzorg")
    hall = PartnerFactory(workspace=workspace, slug="buurthuis-oost")
    library = PartnerFactory(workspace=workspace, slug="bibliotheek")
    PartnerFactory(workspace=workspace, slug="sportschool")
    tour = TourFactory(workspace=workspace, neighbourhood=oost, capacity=10)
    tour.themes.add(lonely)
    stop = StopFactory(tour=tour, partner=hall)
    session = KnowledgeSessionFactory(
        workspace=workspace, neighbourhood=west, venue_partner=library, capacity=0
    )
    session.themes.add(care)
    return {
        "tour": tour,
        "stop": stop,
        "session": session,
        "lonely": lonely,
        "library": library,
        "pages": {
            "agenda": "/",
            "all": "/feeds/activities.ics",
            "tour": f"/feeds/activities/{tour.pk}.ics",
            "session": f"/feeds/activities/{session.pk}.ics",
            "oost": "/feeds/neighbourhoods/oost.ics",
            "west": "/feeds/neighbourhoods/west.ics",
            "eenzaamheid": "/feeds/themes/eenzaamheid.ics",
            "mantelzorg": "/feeds/themes/mantelzorg.ics",
            "buurthuis-oost": "/feeds/partners/buurthuis-oost.ics",
            "bibliotheek": "/feeds/partners/bibliotheek.ics",
            "sportschool": "/feeds/partners/sportschool.ics",
        },
    }


def missed_after(world, change, capture) -> set[str]:
    """Fill the cache with every page, make the change (committed), then ask again."""
    client = Client()
    first = {name: client.get(url) for name, url in world["pages"].items()}
    assert {name: (r.status_code, r["X-Cache"]) for name, r in first.items()} == dict.fromkeys(
        world["pages"], (200, "miss")
    )
    with capture(execute=True):
        change()
    again = {name: client.get(url)["X-Cache"] for name, url in world["pages"].items()}
    return {name for name, state in again.items() if state == "miss"}


def registrant(email: str) -> services.Registrant:
    return services.Registrant(
        name="An de Vries",
        email=email,
        organisation="Praktijk",
        profession=Profession.GP,
        phone="",
        bike_need="",
        notes="",
        language="nl",
    )


def test_activity_edit_misses_its_own_feeds_and_the_agenda(
    world, django_capture_on_commit_callbacks
):
    def change():
        world["tour"].title = "Fietstour langs de buurthuizen"
        world["tour"].save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "agenda",
        "all",
        "tour",
        "oost",
        "eenzaamheid",
        "buurthuis-oost",
    }


def test_stop_edit_misses_the_tour_feeds_but_not_the_agenda(
    world, django_capture_on_commit_callbacks
):
    def change():
        world["stop"].programme = "Rondleiding door de keuken"
        world["stop"].save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "all",
        "tour",
        "oost",
        "eenzaamheid",
        "buurthuis-oost",
    }


def test_waitlisted_registration_misses_nothing(world, django_capture_on_commit_callbacks):
    outcome = {}

    def change():
        outcome["status"] = services.register(
            activity_id=world["session"].pk, registrant=registrant("an@praktijk.example.org")
        ).status

    assert missed_after(world, change, django_capture_on_commit_callbacks) == set()
    assert outcome["status"] == Registration.Status.WAITLISTED


def test_confirmed_registration_misses_only_what_shows_seats(
    world, django_capture_on_commit_callbacks
):
    outcome = {}

    def change():
        outcome["status"] = services.register(
            activity_id=world["tour"].pk, registrant=registrant("an@praktijk.example.org")
        ).status

    # The agenda's seats left, and the group size at the tour's stop.
    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "agenda",
        "buurthuis-oost",
    }
    assert outcome["status"] == Registration.Status.CONFIRMED


def test_theme_rename_misses_its_feed_the_agenda_and_feeds_of_its_activities(
    world, django_capture_on_commit_callbacks
):
    def change():
        world["lonely"].name = "Eenzaamheid en isolement"
        world["lonely"].save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "agenda",
        "all",
        "tour",
        "oost",
        "eenzaamheid",
        "buurthuis-oost",
    }


def test_partner_move_misses_its_feed_and_feeds_of_what_it_hosts(
    world, django_capture_on_commit_callbacks
):
    def change():
        world["library"].address = "Oosterdokskade 143"
        world["library"].latitude = 52.3757
        world["library"].save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "all",
        "session",
        "west",
        "mantelzorg",
        "bibliotheek",
    }


def test_activity_moved_to_another_neighbourhood_misses_both(
    world, django_capture_on_commit_callbacks
):
    def change():
        tour = Activity.objects.get(pk=world["tour"].pk).tour
        tour.neighbourhood = world["session"].neighbourhood
        tour.save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "agenda",
        "all",
        "tour",
        "oost",
        "west",
        "eenzaamheid",
        "buurthuis-oost",
    }


def test_draft_activity_edit_misses_nothing(world, django_capture_on_commit_callbacks):
    draft = TourFactory(status=Activity.Status.DRAFT, neighbourhood=world["tour"].neighbourhood)

    def change():
        draft.title = "Nog niet klaar"
        draft.save()

    assert missed_after(world, change, django_capture_on_commit_callbacks) == set()


def test_rolled_back_change_misses_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    def change():
        with pytest.raises(RuntimeError), transaction.atomic():
            world["tour"].title = "Nooit opgeslagen"
            world["tour"].save()
            raise RuntimeError

    assert missed_after(world, change, django_capture_on_commit_callbacks) == set()


def test_theme_added_to_activity_misses_the_theme_feed_and_the_activity(
    world, django_capture_on_commit_callbacks
):
    def change():
        world["session"].themes.add(world["lonely"])

    assert missed_after(world, change, django_capture_on_commit_callbacks) == {
        "agenda",
        "all",
        "session",
        "west",
        "eenzaamheid",
        "mantelzorg",
        "bibliotheek",
    }
