"""Two workspaces with one of everything, and a user for every role."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from activities.models import Activity, Registration
from core.models import Workspace
from feeds.models import ImportedEvent, PartnerFeed
from network.models import Contact, Neighbourhood, Partner, Theme
from ratings.models import Rating
from sessions.models import KnowledgeSession
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    KnowledgeSessionFactory,
    LinkRatingFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PastTourFactory,
    RegistrationFactory,
    StopFactory,
    ThemeFactory,
    TourFactory,
    UserFactory,
    WorkspaceFactory,
)
from tours.models import Stop, Tour


@dataclass
class World:
    workspace: Workspace
    neighbourhood: Neighbourhood
    theme: Theme
    partner: Partner
    contact: Contact
    tour: Tour
    stop: Stop
    session: KnowledgeSession
    registration: Registration
    past_tour: Tour
    rating: Rating
    feed: PartnerFeed
    event: ImportedEvent
    coordinator: User


def build_world(*, label: str) -> World:
    workspace = WorkspaceFactory(name=f"Steunpunt {label}", slug=f"steunpunt-{label.lower()}")
    coordinator = CoordinatorFactory(username=f"coordinator-{label.lower()}", workspace=workspace)
    neighbourhood = NeighbourhoodFactory(
        workspace=workspace, name=f"Wijk {label}", slug=f"wijk-{label.lower()}"
    )
    partner = PartnerFactory(
        workspace=workspace, name=f"Buurthuis {label}", slug=f"buurthuis-{label.lower()}"
    )
    partner.neighbourhoods.add(neighbourhood)
    # Drafts: nothing of them is public, so every foreign access must be refused.
    tour = TourFactory(
        workspace=workspace,
        neighbourhood=neighbourhood,
        title=f"Tour {label}",
        status=Activity.Status.DRAFT,
    )
    session = KnowledgeSessionFactory(
        workspace=workspace,
        neighbourhood=neighbourhood,
        title=f"Kenniscafé {label}",
        status=Activity.Status.DRAFT,
    )
    past_tour = PastTourFactory(workspace=workspace, neighbourhood=neighbourhood)
    rating = LinkRatingFactory(activity=past_tour)
    feed = PartnerFeed.objects.create(
        workspace=workspace, partner=partner, url="https://calendar.example.org/a.ics"
    )
    event = ImportedEvent.objects.create(
        workspace=workspace,
        feed=feed,
        uid=f"event-{label.lower()}@calendar.example.org",
        summary=f"Inloop {label}",
        starts_at=tour.starts_at,
        ends_at=tour.starts_at + dt.timedelta(hours=1),
    )
    return World(
        workspace=workspace,
        neighbourhood=neighbourhood,
        theme=ThemeFactory(),
        partner=partner,
        contact=ContactFactory(partner=partner),
        tour=tour,
        stop=StopFactory(tour=tour, partner=partner),
        session=session,
        registration=RegistrationFactory(activity=tour, email=f"anna-{label.lower()}@example.org"),
        past_tour=past_tour,
        rating=rating,
        feed=feed,
        event=event,
        coordinator=coordinator,
    )


@pytest.fixture
def world_a(db) -> World:
    return build_world(label="Ameland")


@pytest.fixture
def world_b(db) -> World:
    return build_world(label="Texel")


@pytest.fixture
def partner_editor(world_a) -> User:
    editor = UserFactory(username="editor-ameland")
    world_a.partner.editors.add(editor)
    return editor


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True)
