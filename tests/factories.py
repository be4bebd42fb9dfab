"""factory_boy factories for the whole domain. Tests build real rows, never mocks."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from activities.models import Activity, Registration
from core.models import Membership, Workspace
from core.vocab import PROFESSION_DOMAIN, Domain, Profession
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow
from sessions.models import KnowledgeSession
from tours.models import Stop, Tour

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def next_weekday_at(weekday: int, hour: int, minute: int = 0, weeks_ahead: int = 2):
    """An aware datetime some weeks ahead on the given weekday (0 = Monday), local time."""
    today = dt.date.today()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Steunpunt {n}")
    slug = factory.Sequence(lambda n: f"steunpunt-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoordinatorFactory(UserFactory):
    """A user with a coordinator membership of `workspace` (a new one unless given)."""

    @factory.post_generation
    def workspace(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.create(
                user=obj,
                workspace=extracted or WorkspaceFactory(),
                role=Membership.Role.COORDINATOR,
            )


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")
    municipality = "Amsterdam"
    latitude = 52.3625
    longitude = 4.9390


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    dimensions = factory.LazyFunction(lambda: ["meedoen"])


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Buurthuis {n}")
    slug = factory.Sequence(lambda n: f"buurthuis-{n}")
    short_description = "Ontmoeting en activiteiten voor buurtbewoners."
    domain = Domain.WELFARE
    address = factory.Sequence(lambda n: f"Javaplein {n + 1}")
    postcode = "1094 HW"
    city = "Amsterdam"
    latitude = factory.Sequence(lambda n: 52.3600 + (n % 40) * 0.0003)
    longitude = factory.Sequence(lambda n: 4.9300 + (n % 37) * 0.0004)
    referral_info = "Loop binnen tijdens het inloopspreekuur of bel ons."

    @factory.post_generation
    def neighbourhoods(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.neighbourhoods.set(extracted)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class VisitingWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitingWindow

    partner = factory.SubFactory(PartnerFactory)
    weekday = 1
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contactpersoon {n}")
    role = "Coördinator"
    phone = "+31 20 123 4567"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.org")


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tour
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Wijktour {n}")
    description = "Op de fiets langs organisaties in de wijk."
    neighbourhood = factory.SubFactory(
        NeighbourhoodFactory, workspace=factory.SelfAttribute("..workspace")
    )
    starts_at = factory.LazyFunction(lambda: next_weekday_at(1, 13, 0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3, minutes=30))
    venue_name = "Buurtcentrum"
    venue_address = "Javaplein 1, Amsterdam"
    latitude = 52.3625
    longitude = 4.9390
    end_latitude = 52.3625
    end_longitude = 4.9390
    capacity = 20
    status = Activity.Status.PUBLISHED


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    tour = factory.SubFactory(TourFactory)
    partner = factory.SubFactory(
        PartnerFactory, workspace=factory.SelfAttribute("..tour.workspace")
    )
    position = factory.Sequence(lambda n: n + 1)
    visit_minutes = 30


class KnowledgeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeSession

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Kenniscafé {n}")
    description = "Een avond over één thema, met een gastspreker."
    neighbourhood = factory.SubFactory(
        NeighbourhoodFactory, workspace=factory.SelfAttribute("..workspace")
    )
    starts_at = factory.LazyFunction(lambda: next_weekday_at(3, 16, 0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    venue_name = "Bibliotheek"
    venue_address = "Javaplein 2, Amsterdam"
    latitude = 52.3630
    longitude = 4.9400
    capacity = 30
    status = Activity.Status.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(TourFactory)
    name = factory.Sequence(lambda n: f"Deelnemer {n}")
    email = factory.Sequence(lambda n: f"deelnemer{n}@praktijk.example.org")
    organisation = "Huisartsenpraktijk De Wijk"
    profession = Profession.GP
    domain = factory.LazyAttribute(lambda o: PROFESSION_DOMAIN[o.profession])
    status = Registration.Status.CONFIRMED


# --- ratings ---
from ratings.models import Rating, RatingInvitation, StopRating  # noqa: E402


def past_datetime(days_ago: int = 7, hour: int = 13):
    """An aware datetime some days back, local time."""
    day = dt.date.today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=AMSTERDAM)


class PastTourFactory(TourFactory):
    """A tour that has already taken place."""

    starts_at = factory.LazyFunction(lambda: past_datetime(7))


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    activity = factory.SubFactory(PastTourFactory)
    registration = None
    source = Rating.Source.DEVICE
    grade = 8


class LinkRatingFactory(RatingFactory):
    """A rating given through a registration's personal link."""

    registration = factory.SubFactory(
        RegistrationFactory,
        activity=factory.SelfAttribute("..activity"),
        status=Registration.Status.ATTENDED,
    )
    source = Rating.Source.LINK
    rater_domain = factory.LazyAttribute(lambda o: o.registration.domain)


class StopRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StopRating

    rating = factory.SubFactory(RatingFactory)
    stop = factory.SubFactory(StopFactory, tour=factory.SelfAttribute("..rating.activity"))
    grade = 8
    would_refer = StopRating.Refer.YES


class RatingInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingInvitation

    registration = factory.SubFactory(
        RegistrationFactory,
        activity=factory.SubFactory(PastTourFactory),
        status=Registration.Status.ATTENDED,
    )
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


# --- impact ---
from impact.models import FollowUp, PartnerSignal  # noqa: E402


def past_tour_with_stops(*, days_ago: int, partners: int = 2, **fields) -> Tour:
    """A tour held `days_ago` days back that visited `partners` partners."""
    starts = past_datetime(days_ago)
    tour = TourFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3), **fields)
    for _ in range(partners):
        StopFactory(tour=tour)
    return tour


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    registration = factory.SubFactory(
        RegistrationFactory,
        activity=factory.SubFactory(PastTourFactory),
        status=Registration.Status.ATTENDED,
    )
    activity = factory.SelfAttribute("registration.activity")
    wave = 1
    token_hash = factory.Sequence(lambda n: f"f{n:063x}")
    respondent_domain = factory.SelfAttribute("registration.domain")
    respondent_profession = factory.SelfAttribute("registration.profession")


class PartnerSignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerSignal

    partner = factory.SubFactory(PartnerFactory)
    month = dt.date(2026, 1, 1)
    via_professional = 4


# --- accreditation ---
from accreditation.models import Accreditation, RegistrationRegistryNumber  # noqa: E402


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    activity = factory.SubFactory(KnowledgeSessionFactory)
    registry = "big"
    accreditation_id = factory.Sequence(lambda n: f"{460000 + n}")
    points = 2
    status = Accreditation.Status.GRANTED


class RegistryNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationRegistryNumber

    registration = factory.SubFactory(RegistrationFactory)
    registry = "big"
    number = factory.Sequence(lambda n: f"{n:011d}")
