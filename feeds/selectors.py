"""Reads for the feeds: which activities, stops and imported events a feed shows, and a
cheap version of each feed (one aggregate query) for ETag / Last-Modified."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from accreditation.selectors import public_accreditations
from activities.models import Activity, Registration
from feeds.models import ImportedEvent
from network.models import Neighbourhood, Partner
from tours.models import Stop

PAST_DAYS = 30
# Registrations that hold a seat: they count for group sizes and personal feeds.
SEATED = (Registration.Status.CONFIRMED, Registration.Status.ATTENDED)
# Bumped when the way feeds are written changes, so clients refetch even if no row changed.
FEED_FORMAT_VERSION = "1"


@dataclass(frozen=True)
class FeedVersion:
    """What a conditional request is answered from, without building the feed."""

    etag: str
    last_modified: dt.datetime | None


def feed_window(*, prefix: str = "", now: dt.datetime | None = None) -> Q:
    """Published activities of the past 30 days and the future, and cancelled ones until
    they are past (a cancelled entry must reach calendars, then it may go)."""
    now = now or timezone.now()
    return Q(
        **{f"{prefix}status": Activity.Status.PUBLISHED},
        **{f"{prefix}ends_at__gte": now - dt.timedelta(days=PAST_DAYS)},
    ) | Q(**{f"{prefix}status": Activity.Status.CANCELLED}, **{f"{prefix}ends_at__gte": now})


def feed_activities(*, now: dt.datetime | None = None) -> QuerySet[Activity]:
    return Activity.objects.filter(feed_window(now=now))


@dataclass(frozen=True)
class ProgrammeStop:
    """One line of a tour's programme in a feed description."""

    arrives_at: dt.datetime | None
    departs_at: dt.datetime | None
    partner_name: str
    partner_address: str


@dataclass(frozen=True)
class ThemeName:
    name: str
    name_en: str


@dataclass(frozen=True)
class FeedRow:
    """An activity with its programme stops and themes, loaded for a feed."""

    activity: Activity
    stops: list[ProgrammeStop]
    themes: list[ThemeName]


def address_line(address: str, postcode: str, city: str) -> str:
    return ", ".join(part for part in (address, f"{postcode} {city}".strip()) if part)


def themes_by_activity(activity_ids: QuerySet) -> dict[int, list[ThemeName]]:
    """Theme names per activity in one query (plain tuples: a feed of a thousand
    activities would spend longer building Theme instances than writing the events)."""
    through = Activity.themes.through.objects.filter(activity_id__in=activity_ids)
    found: dict[int, list[ThemeName]] = defaultdict(list)
    for activity_id, name, name_en in through.order_by("theme__name").values_list(
        "activity_id", "theme__name", "theme__name_en"
    ):
        found[activity_id].append(ThemeName(name, name_en))
    return found


FEED_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue_partner",
    "venue_partner__name",
    "venue_partner__address",
    "venue_partner__postcode",
    "venue_partner__city",
    "venue_partner__latitude",
    "venue_partner__longitude",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "status",
    "sequence",
    "created_at",
    "updated_at",
    "tour__end_partner",
    "tour__end_partner__name",
    "tour__end_name",
    "tour__end_address",
    "tour__what_to_bring",
    "tour__bad_weather_rule",
    "knowledgesession__online_url",
    "knowledgesession__speakers",
    "knowledgesession__programme",
)


def feed_rows(activities: QuerySet[Activity]) -> list[FeedRow]:
    """Everything the activities' VEVENTs need, in three queries whatever their number."""
    loaded = list(
        activities.select_related("venue_partner", "tour", "tour__end_partner", "knowledgesession")
        # Only what a VEVENT shows: the stored route and the JSON settings are large.
        .only(*FEED_FIELDS)
        .prefetch_related(public_accreditations())
    )
    ids = activities.values("pk")
    stops: dict[int, list[ProgrammeStop]] = defaultdict(list)
    for tour_id, arrives_at, departs_at, name, address, postcode, city in (
        Stop.objects.filter(tour_id__in=ids)
        .order_by("tour_id", "position")
        .values_list(
            "tour_id",
            "arrives_at",
            "departs_at",
            "partner__name",
            "partner__address",
            "partner__postcode",
            "partner__city",
        )
    ):
        stops[tour_id].append(
            ProgrammeStop(arrives_at, departs_at, name, address_line(address, postcode, city))
        )
    themes = themes_by_activity(ids)
    return [FeedRow(a, stops.get(a.pk, []), themes.get(a.pk, [])) for a in loaded]


def _version(*parts: object, last_modified: dt.datetime | None) -> FeedVersion:
    digest = hashlib.sha256(
        "|".join(str(part) for part in (FEED_FORMAT_VERSION, settings.SITE_URL, *parts)).encode()
    ).hexdigest()[:32]
    return FeedVersion(etag=f'W/"{digest}"', last_modified=last_modified)


def activities_version(activities: QuerySet[Activity], *, key: str) -> FeedVersion:
    """One aggregate over the feed's rows: the latest change, how many, and their sequences
    (a stop's SEQUENCE moves its tour's description)."""
    row = activities.order_by().aggregate(
        changed=Max("updated_at"),
        count=Count("pk", distinct=True),
        sequence=Max("sequence"),
        stop_sequences=Sum("tour__stops__sequence"),
        stops=Count("tour__stops"),
    )
    return _version(key, *row.values(), last_modified=row["changed"])


def partner_stops(*, partner: Partner, now: dt.datetime | None = None) -> QuerySet[Stop]:
    """The partner's own stops on tours in the feed window that have planned times."""
    return (
        Stop.objects.filter(feed_window(prefix="tour__", now=now))
        .filter(partner=partner, arrives_at__isnull=False, departs_at__isnull=False)
        .select_related("tour", "tour__coordinator", "partner")
        .defer("tour__route_geometry", "tour__route_problems", "tour__route_legs")
        .annotate(
            group_size=Count(
                "tour__registrations", filter=Q(tour__registrations__status__in=SEATED)
            )
        )
        .order_by("arrives_at", "pk")
    )


def partner_hosted(*, partner: Partner, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Activities at the partner's venue; a tour that also stops there shows only the stop."""
    return (
        feed_activities(now=now).filter(venue_partner=partner).exclude(tour__stops__partner=partner)
    )


def partner_version(*, partner: Partner, key: str, now: dt.datetime | None = None) -> FeedVersion:
    """One aggregate over every activity the partner hosts or appears in, including the
    registrations that make up the group size shown at their stop."""
    relevant = feed_activities(now=now).filter(
        Q(venue_partner=partner) | Q(tour__stops__partner=partner)
    )
    row = (
        Activity.objects.filter(pk__in=relevant.values("pk"))
        .order_by()
        .aggregate(
            changed=Max("updated_at"),
            count=Count("pk", distinct=True),
            sequences=Sum("sequence"),
            stop_sequences=Sum("tour__stops__sequence"),
            stop_changed=Max("tour__stops__departs_at"),
            seated=Count("registrations", filter=Q(registrations__status__in=SEATED)),
            registration_changed=Max("registrations__updated_at"),
        )
    )
    changed = max((v for v in (row["changed"], row["registration_changed"]) if v), default=None)
    return _version(key, partner.pk, partner.name, *row.values(), last_modified=changed)


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_for_feed_token(*, token: str) -> Registration | None:
    """The registration a personal feed link belongs to. Looked up by hash here (the same
    scheme as activities' `issue_feed_token`), so feeds do not depend on that module."""
    if not token or len(token) > 200:
        return None
    return (
        Registration.objects.filter(feed_token_hash=hash_feed_token(token), anonymised_at=None)
        .only("pk", "email", "language")
        .first()
    )


def personal_registrations(*, registration: Registration) -> QuerySet[Registration]:
    """Seat-holding registrations of the same person (same e-mail) in the feed window."""
    return Registration.objects.filter(
        feed_window(prefix="activity__"),
        email__iexact=registration.email,
        status__in=SEATED,
        anonymised_at=None,
    )


def personal_activities(*, registration: Registration) -> QuerySet[Activity]:
    return feed_activities().filter(
        pk__in=personal_registrations(registration=registration).values("activity_id")
    )


def personal_version(*, registration: Registration, key: str) -> FeedVersion:
    row = (
        personal_registrations(registration=registration)
        .order_by()
        .aggregate(
            registration_changed=Max("updated_at"),
            count=Count("pk", distinct=True),
            changed=Max("activity__updated_at"),
            sequences=Sum("activity__sequence"),
            stop_sequences=Sum("activity__tour__stops__sequence"),
            stops=Count("activity__tour__stops"),
        )
    )
    changed = max((v for v in (row["changed"], row["registration_changed"]) if v), default=None)
    return _version(key, registration.pk, *row.values(), last_modified=changed)


def neighbourhood_by_slug(slug: str) -> Neighbourhood | None:
    return Neighbourhood.objects.filter(slug=slug).first()


def upcoming_imported_events(
    *,
    partner: Partner | None = None,
    neighbourhood: Neighbourhood | None = None,
    limit: int = 20,
    now: dt.datetime | None = None,
) -> list[ImportedEvent]:
    """Partners' own activities (imported from their feeds) that have not ended, soonest
    first: for the partner page, the neighbourhood's sociale kaart or the whole agenda."""
    now = now or timezone.now()
    events = ImportedEvent.objects.filter(
        ends_at__gte=now, feed__enabled=True, feed__partner__is_active=True
    )
    if partner is not None:
        events = events.filter(feed__partner=partner)
    if neighbourhood is not None:
        events = events.filter(feed__partner__neighbourhoods=neighbourhood)
    return list(
        events.select_related("feed__partner").order_by("starts_at", "pk").distinct()[:limit]
    )
