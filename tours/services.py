"""What coordinators do with tours: create, pick stops, compose the route, publish, cancel,
duplicate, and have a tour suggested. Pages and the API both call these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from core.models import Workspace
from network.models import Contact, Neighbourhood, Partner, Theme
from tours import planning
from tours.models import Stop, Tour
from tours.titles import retitle_for_date

DEFAULT_TOUR_HOURS = 3
MAX_STOPS = 40
MAX_SUGGESTED_STOPS = 12


class TourError(Exception):
    """A coordinator's request that cannot be carried out; `field` names the culprit if any."""

    def __init__(
        self, message: str, *, field: str | None = None, fixes: Sequence[Fix] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Each problem behind a refusal, with the page where the coordinator fixes it.
        self.fixes = list(fixes)


@dataclass(frozen=True)
class Fix:
    problem: str
    url: str
    stop_id: int | None = None


# --- times -----------------------------------------------------------------------------------


def seconds_of_day(moment: dt.datetime) -> int:
    local = timezone.localtime(moment)
    return local.hour * 3600 + local.minute * 60 + local.second


def at_seconds(day: dt.date, seconds: int) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return timezone.make_aware(naive)


def clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    seconds = round(seconds / 60) * 60
    return f"{seconds // 3600 % 24:02d}:{seconds % 3600 // 60:02d}"


def windows_for(partner: Partner, weekday: int) -> tuple[tuple[int, int], ...] | None:
    """The partner's visiting hours on a weekday in seconds; None when it has none at all."""
    windows = list(partner.visiting_windows.all())
    if not windows:
        return None
    return tuple(
        (
            w.opens_at.hour * 3600 + w.opens_at.minute * 60,
            w.closes_at.hour * 3600 + w.closes_at.minute * 60,
        )
        for w in windows
        if w.weekday == weekday
    )


def problem_message(problem: dict) -> str:
    """A stored route problem in the reader's language, with times."""
    name = problem.get("name", "")
    kind = problem.get("kind")
    values = {
        "name": name,
        "opens": problem.get("opens", ""),
        "closes": problem.get("closes", ""),
        "arrival": problem.get("arrival", ""),
        "departure": problem.get("departure", ""),
    }
    if kind == "closed_day":
        return _("%(name)s receives no groups on this day.") % values
    if kind == "disconnected":
        return (
            _("Stop %(name)s cannot be reached and left again along streets the group can ride.")
            % values
        )
    if kind == "unreachable":
        values["distance"] = problem.get("distance", "")
        if problem.get("key") == "start":
            return (
                _(
                    "Meeting point %(name)s is %(distance)s m from the nearest street the group "
                    "can ride; the route is an estimate until it moves closer."
                )
                % values
            )
        if problem.get("key") == "end":
            return (
                _(
                    "End point %(name)s is %(distance)s m from the nearest street the group can "
                    "ride; the route is an estimate until it moves closer."
                )
                % values
            )
        return _("Stop %(name)s is %(distance)s m from the nearest street the group can ride.") % (
            values
        )
    if kind == "closes_before_arrival":
        return _("%(name)s closes at %(closes)s; earliest arrival %(arrival)s.") % values
    if kind == "departs_after_close":
        return (
            _(
                "%(name)s closes at %(closes)s; in this order the group arrives at %(arrival)s "
                "and leaves at %(departure)s."
            )
            % values
        )
    if kind == "visit_longer_than_window":
        return _("%(name)s is not open long enough for the visit.") % values
    if kind == "no_time_to_finish":
        return (
            _("Visiting %(name)s alone already ends the tour at %(departure)s, after %(closes)s.")
            % values
        )
    if kind == "finishes_after_latest_end":
        return _("The tour ends at %(arrival)s, after the latest end %(closes)s.") % values
    if kind == "left_out_by_search":
        return _("%(name)s could fit but the search ran out of time; compose again.") % values
    return (
        _(
            "%(name)s cannot be fitted in together with the other stops within their visiting "
            "hours (earliest arrival %(arrival)s)."
        )
        % values
    )


def problem_dict(problem: planning.Problem, name: str) -> dict:
    return {
        "key": problem.key,
        "name": name,
        "kind": problem.kind,
        "opens": clock(problem.opens_s),
        "closes": clock(problem.closes_s),
        "arrival": clock(problem.arrival_s),
        "departure": clock(problem.departure_s),
        "distance": problem.distance_m,
    }


def point_name(key: str, names: dict[str, str], *, start: str, end: str) -> str:
    """The name to show for a plan key: a stop's, or the meeting point's or end's."""
    if key == "start":
        return start
    if key == "end":
        return end
    return names.get(key, "")


# --- create and edit -------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "title",
    "description",
    "neighbourhood",
    "starts_at",
    "venue_partner",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "end_partner",
    "end_name",
    "end_address",
    "end_latitude",
    "end_longitude",
    "capacity",
    "registration_deadline",
    "rental_bikes_available",
    "ebikes_available",
    "what_to_bring",
    "bad_weather_rule",
    "leg_buffer_minutes",
)
# Changing any of these moves the schedule: the route is composed again.
ROUTE_FIELDS = {
    "starts_at",
    "venue_partner",
    "latitude",
    "longitude",
    "end_partner",
    "end_latitude",
    "end_longitude",
    "leg_buffer_minutes",
}


def _apply_places(tour: Tour) -> None:
    """A partner chosen as meeting or end point brings its name, address and coordinates."""
    if tour.venue_partner_id:
        partner = tour.venue_partner
        tour.venue_name = tour.venue_name or partner.name
        tour.venue_address = tour.venue_address or f"{partner.address}, {partner.city}"
        tour.latitude, tour.longitude = partner.latitude, partner.longitude
    if tour.end_partner_id:
        partner = tour.end_partner
        tour.end_name = tour.end_name or partner.name
        tour.end_address = tour.end_address or f"{partner.address}, {partner.city}"
        tour.end_latitude, tour.end_longitude = partner.latitude, partner.longitude


def _check_scope(tour: Tour) -> None:
    workspace_id = tour.workspace_id
    if tour.neighbourhood_id and tour.neighbourhood.workspace_id != workspace_id:
        raise TourError(
            _("This neighbourhood belongs to another workspace."), field="neighbourhood"
        )
    for name in ("venue_partner", "end_partner"):
        partner = getattr(tour, name)
        if partner is not None and partner.workspace_id != workspace_id:
            raise TourError(_("This partner belongs to another workspace."), field=name)


def _save_validated(tour: Tour) -> None:
    try:
        tour.full_clean(exclude=["themes"])
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        field = None if field_name == "__all__" else field_name
        raise TourError(" ".join(messages), field=field) from exc
    tour.save()


@transaction.atomic
def create_tour(
    *,
    workspace: Workspace,
    coordinator: User | None,
    title: str,
    starts_at: dt.datetime,
    neighbourhood: Neighbourhood | None = None,
    themes: Sequence[Theme] = (),
    **details,
) -> Tour:
    """A new draft tour; it ends DEFAULT_TOUR_HOURS later until a route is composed."""
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown tour fields: {sorted(unknown)}")
    tour = Tour(
        workspace=workspace,
        coordinator=coordinator,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=DEFAULT_TOUR_HOURS),
        neighbourhood=neighbourhood,
        kind=Activity.Kind.TOUR,
        status=Activity.Status.DRAFT,
        leg_buffer_minutes=details.pop("leg_buffer_minutes", None) or default_leg_buffer(),
        **details,
    )
    _check_scope(tour)
    _apply_places(tour)
    _save_validated(tour)
    tour.themes.set(themes)
    return tour


def default_leg_buffer() -> int:
    return settings.ROUTING_LEG_BUFFER_MINUTES


@transaction.atomic
def update_tour(*, tour: Tour, themes: Sequence[Theme] | None = None, **changes) -> Tour:
    """Change a tour's details; the route is composed again when the schedule is affected."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown tour fields: {sorted(unknown)}")
    moved = False
    for name, value in changes.items():
        if getattr(tour, name) != value:
            moved = moved or name in ROUTE_FIELDS
            setattr(tour, name, value)
    if "starts_at" in changes and not tour.stops.exists():
        tour.ends_at = tour.starts_at + dt.timedelta(hours=DEFAULT_TOUR_HOURS)
    _check_scope(tour)
    _apply_places(tour)
    if tour.ends_at <= tour.starts_at:
        tour.ends_at = tour.starts_at + dt.timedelta(hours=DEFAULT_TOUR_HOURS)
    _save_validated(tour)
    if themes is not None:
        tour.themes.set(themes)
    if moved and tour.stops.exists():
        retime(tour=tour)
    return tour


# --- stops -----------------------------------------------------------------------------------


def _partners_in_scope(tour: Tour, partner_ids: Sequence[int]) -> list[Partner]:
    partners = Partner.objects.in_bulk(list(partner_ids))
    result = []
    for partner_id in partner_ids:
        partner = partners.get(partner_id)
        if partner is None or partner.workspace_id != tour.workspace_id:
            raise TourError(_("Unknown partner: %(id)s.") % {"id": partner_id}, field="partners")
        result.append(partner)
    return result


@transaction.atomic
def set_stops(
    *,
    tour: Tour,
    partner_ids: Sequence[int],
    visit_minutes: int = 30,
    compose: bool = True,
) -> list[Stop]:
    """Make these partners the tour's stops, in this order (kept stops keep host and notes)."""
    if len(set(partner_ids)) != len(partner_ids):
        raise TourError(_("A partner can be visited only once per tour."), field="partners")
    if len(partner_ids) > MAX_STOPS:
        raise TourError(
            _("A tour has at most %(max)s stops.") % {"max": MAX_STOPS}, field="partners"
        )
    partners = _partners_in_scope(tour, partner_ids)
    existing = {stop.partner_id: stop for stop in Stop.objects.filter(tour=tour)}
    Stop.objects.filter(tour=tour).exclude(partner_id__in=partner_ids).delete()
    Stop.objects.filter(tour=tour).update(position=F("position") + 1000)
    stops = []
    for position, partner in enumerate(partners, start=1):
        stop = existing.get(partner.pk)
        if stop is None:
            stop = Stop.objects.create(
                tour=tour, partner=partner, position=position, visit_minutes=visit_minutes
            )
        else:
            stop.position = position
            stop.save(update_fields=["position"])
        stops.append(stop)
    if compose and stops:
        retime(tour=tour)
    elif not stops:
        _clear_route(tour)
    return stops


@transaction.atomic
def add_stops(*, tour: Tour, partner_ids: Sequence[int], visit_minutes: int = 30) -> list[Stop]:
    current = list(tour.stops.order_by("position").values_list("partner_id", flat=True))
    new = [pk for pk in partner_ids if pk not in current]
    return set_stops(tour=tour, partner_ids=[*current, *new], visit_minutes=visit_minutes)


@transaction.atomic
def update_stop(
    *,
    stop: Stop,
    visit_minutes: int | None = None,
    host: Contact | None = None,
    programme: str | None = None,
) -> Stop:
    """Host and programme never touch the schedule; a new visit length re-times the stops
    (in the same order once the tour is published)."""
    if host is not None and host.partner_id != stop.partner_id:
        raise TourError(_("The host must work at the partner visited."), field="host")
    retime_needed = False
    if visit_minutes is not None:
        if not 5 <= visit_minutes <= 240:
            raise TourError(_("A visit lasts between 5 and 240 minutes."), field="visit_minutes")
        retime_needed = visit_minutes != stop.visit_minutes
        stop.visit_minutes = visit_minutes
    stop.host = host
    if programme is not None:
        stop.programme = programme
    stop.save()
    if retime_needed:
        retime(tour=stop.tour)
    return stop


@transaction.atomic
def set_manual_order(*, tour: Tour, stop_ids: Sequence[int]) -> Plan:
    """The coordinator fixes the order: times are recomputed and violated windows flagged."""
    stops = {stop.pk: stop for stop in Stop.objects.filter(tour=tour)}
    if sorted(stop_ids) != sorted(stops):
        raise TourError(_("The order must list every stop of this tour once."), field="order")
    Stop.objects.filter(tour=tour).update(position=F("position") + 1000)
    ordered = [stops[pk] for pk in stop_ids]
    for position, stop in enumerate(ordered, start=1):
        stop.position = position
    Stop.objects.bulk_update(ordered, ["position"])
    tour.manual_order = True
    tour.save(update_fields=["manual_order", "updated_at"])
    return _refuse_if_published_breaks(tour, compose_route(tour=tour))


def move_stop(*, tour: Tour, stop_id: int, offset: int) -> Plan:
    """Move one stop up (-1) or down (+1) in a manual order."""
    ids = list(tour.stops.order_by("position").values_list("pk", flat=True))
    if stop_id not in ids:
        raise TourError(_("This stop is not part of the tour."), field="order")
    index = ids.index(stop_id)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return set_manual_order(tour=tour, stop_ids=ids)


@transaction.atomic
def use_best_order(*, tour: Tour) -> Plan:
    tour.manual_order = False
    tour.save(update_fields=["manual_order", "updated_at"])
    return _refuse_if_published_breaks(tour, compose_route(tour=tour))


# --- composition -----------------------------------------------------------------------------

Plan = planning.Plan


STORED_ROUTE_FIELDS = (
    "total_distance_m",
    "total_cycling_s",
    "route_geometry",
    "route_estimated",
    "route_problems",
    "route_legs",
    "ends_at",
    "sequence",
)


def meeting_point(tour: Tour) -> planning.Place:
    if tour.latitude is None or tour.longitude is None:
        raise TourError(_("Give the meeting point coordinates first."), field="latitude")
    return planning.Place(tour.latitude, tour.longitude, tour.venue_name)


def end_point(tour: Tour) -> planning.Place:
    if tour.end_latitude is None or tour.end_longitude is None:
        return meeting_point(tour)
    return planning.Place(tour.end_latitude, tour.end_longitude, tour.end_name)


def leg_dict(leg: planning.Leg) -> dict:
    """A leg as stored on the tour (route_legs) and returned by the planner API."""
    return {
        "distance_m": leg.distance_m,
        "duration_s": leg.duration_s,
        "steps": {
            code: [
                {
                    "text": step.text,
                    "streets": list(step.streets),
                    "distance_m": step.distance_m,
                    "duration_s": step.duration_s,
                    "lat": step.lat,
                    "lon": step.lon,
                    "walking": step.walking,
                    "kind": step.kind,
                }
                for step in steps
            ]
            for code, steps in leg.steps.items()
        },
    }


def _clear_route(tour: Tour) -> None:
    tour.total_distance_m = 0
    tour.total_cycling_s = 0
    tour.route_geometry = {}
    tour.route_problems = []
    tour.route_legs = []
    tour.save(
        update_fields=[
            "total_distance_m",
            "total_cycling_s",
            "route_geometry",
            "route_problems",
            "route_legs",
            "updated_at",
        ]
    )


def retime(*, tour: Tour) -> Plan:
    """Recompute the times after a change. A draft is composed afresh; a published tour is a
    promise: its stops keep their order, and a stop that no longer fits its visiting hours
    refuses the change (the caller's transaction rolls back) instead of being dropped."""
    if tour.status == Activity.Status.DRAFT:
        return compose_route(tour=tour)
    return _refuse_if_published_breaks(tour, compose_route(tour=tour, keep_order=True))


# A meeting point or end far from a street puts the route on the labelled estimate; the
# stops and their times stay as promised, so that alone never refuses a change.
ROUTE_ENDS = frozenset({"start", "end"})


def _refuse_if_published_breaks(tour: Tour, plan: Plan) -> Plan:
    breaking = [problem for problem in plan.problems if problem.key not in ROUTE_ENDS]
    if tour.status != Activity.Status.DRAFT and breaking:
        problems = [p for p in tour.route_problems if p.get("key") not in ROUTE_ENDS]
        raise TourError(refusal_message(problems or tour.route_problems), field="starts_at")
    return plan


def refusal_message(problems: Sequence[dict]) -> str:
    details = " ".join(problem_message(problem) for problem in problems)
    return _(
        "Not saved: the tour is published and this change would break its schedule. "
        "%(details)s Choose another time, shorten a visit or remove that stop first."
    ) % {"details": details}


@transaction.atomic
def compose_route(*, tour: Tour, keep_order: bool = False) -> Plan:
    """Order the stops (unless the coordinator fixed the order or `keep_order` asks to keep
    the current one), time every visit within the partners' visiting hours on the tour's
    weekday and store the schedule and route.

    Stops that fit nowhere are kept, after the ordered ones, and reported as problems.
    """
    given = tour
    tour = Tour.objects.select_for_update().get(pk=tour.pk)
    stops = list(
        tour.stops.select_related("partner")
        .prefetch_related("partner__visiting_windows")
        .order_by("position")
    )
    if not stops:
        raise TourError(_("Pick at least one partner to visit."), field="partners")
    day = timezone.localtime(tour.starts_at).date()
    plan_stops = [
        planning.PlanStop(
            key=str(stop.pk),
            lat=stop.partner.latitude,
            lon=stop.partner.longitude,
            visit_s=stop.visit_minutes * 60,
            name=stop.partner.name,
            windows=windows_for(stop.partner, day.weekday()),
        )
        for stop in stops
    ]
    try:
        plan = planning.plan_route(
            start=meeting_point(tour),
            end=end_point(tour),
            stops=plan_stops,
            start_s=seconds_of_day(tour.starts_at),
            buffer_s=tour.leg_buffer_minutes * 60,
            fixed_order=tour.manual_order or keep_order,
        )
    except planning.PlanningError as exc:
        raise TourError(str(exc)) from exc
    _store_plan(tour, stops, plan, day)
    # The caller's instance must not overwrite the new schedule with stale values on save().
    for name in STORED_ROUTE_FIELDS:
        setattr(given, name, getattr(tour, name))
    given._attendee_values = dict(tour._attendee_values)
    return plan


def _store_plan(tour: Tour, stops: list[Stop], plan: Plan, day: dt.date) -> None:
    by_key = {str(stop.pk): stop for stop in stops}
    problems = {p.key: p for p in plan.problems}
    ordered = [by_key[key] for key in plan.order] + [by_key[key] for key in plan.dropped]
    Stop.objects.filter(tour=tour).update(position=F("position") + 1000)
    for index, stop in enumerate(ordered):
        stop.position = index + 1
        if index < len(plan.order):
            stop.arrives_at = at_seconds(day, plan.arrivals_s[index])
            stop.departs_at = at_seconds(day, plan.departures_s[index])
            stop.distance_from_previous_m = plan.legs[index].distance_m
            stop.travel_from_previous_s = plan.legs[index].duration_s
        else:
            stop.arrives_at = stop.departs_at = None
            stop.distance_from_previous_m = stop.travel_from_previous_s = 0
        problem = problems.get(str(stop.pk))
        stop.window_violation = problem.kind if problem else ""
    Stop.objects.bulk_update(
        ordered,
        [
            "position",
            "arrives_at",
            "departs_at",
            "distance_from_previous_m",
            "travel_from_previous_s",
            "window_violation",
        ],
    )
    tour.total_distance_m = plan.total_distance_m
    tour.total_cycling_s = plan.total_cycling_s
    tour.route_geometry = {
        "type": "LineString",
        "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in plan.geometry],
    }
    tour.route_estimated = plan.estimated
    tour.route_legs = [leg_dict(leg) for leg in plan.legs] if not plan.estimated else []
    names = {key: stop.partner.name for key, stop in by_key.items()}
    start_name = tour.venue_name or _("meeting point")
    end_name = tour.end_name or start_name
    tour.route_problems = [
        problem_dict(problem, point_name(problem.key, names, start=start_name, end=end_name))
        for problem in plan.problems
    ]
    ends_at = at_seconds(day, plan.end_arrival_s)
    tour.ends_at = ends_at if ends_at > tour.starts_at else tour.starts_at + dt.timedelta(minutes=1)
    tour.save(update_fields=[*STORED_ROUTE_FIELDS, "updated_at"])


# --- suggestion ------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """Partners proposed for a tour, in visiting order, with what they cover."""

    partners: list[Partner]
    plan: Plan | None
    covered_theme_ids: set[int] = field(default_factory=set)
    missing_theme_ids: set[int] = field(default_factory=set)
    domains: list[str] = field(default_factory=list)


def suggest_tour(
    *,
    neighbourhood: Neighbourhood,
    theme_ids: Sequence[int],
    starts_at: dt.datetime,
    budget_minutes: int,
    start: planning.Place,
    end: planning.Place | None = None,
    min_stops: int = 4,
    max_stops: int = 8,
    visit_minutes: int = 30,
    buffer_minutes: int | None = None,
) -> Suggestion:
    """Choose partners of the neighbourhood so every wanted theme is covered and the domains
    are as varied as possible, within visiting hours and the time budget (routing.suggest)."""
    if min_stops > max_stops:
        raise TourError(_("The minimum cannot exceed the maximum."), field="min_stops")
    if max_stops > MAX_SUGGESTED_STOPS:
        raise TourError(
            _("Suggest at most %(max)s stops.") % {"max": MAX_SUGGESTED_STOPS}, field="max_stops"
        )
    buffer = buffer_minutes if buffer_minutes is not None else default_leg_buffer()
    weekday = timezone.localtime(starts_at).weekday()
    partners = {
        str(partner.pk): partner
        for partner in neighbourhood.partners.filter(
            is_active=True, workspace_id=neighbourhood.workspace_id
        )
        .prefetch_related("themes", "visiting_windows")
        .order_by("name")
    }
    try:
        result = planning.suggest(
            candidates=[
                planning.SuggestCandidate(
                    key=key,
                    lat=partner.latitude,
                    lon=partner.longitude,
                    visit_s=visit_minutes * 60,
                    windows=windows_for(partner, weekday),
                    themes=frozenset(str(theme.pk) for theme in partner.themes.all()),
                    domain=partner.domain,
                    name=partner.name,
                )
                for key, partner in partners.items()
            ],
            wanted_themes={str(pk) for pk in theme_ids},
            start=start,
            end=end or start,
            start_s=seconds_of_day(starts_at),
            budget_s=budget_minutes * 60,
            min_stops=min_stops,
            max_stops=max_stops,
            buffer_s=buffer * 60,
        )
    except planning.PlanningError as exc:
        raise TourError(str(exc)) from exc
    return Suggestion(
        partners=[partners[key] for key in result.keys],
        plan=result.plan,
        covered_theme_ids={int(pk) for pk in result.covered_themes},
        missing_theme_ids={int(pk) for pk in result.uncovered_themes},
        domains=sorted(result.domains),
    )


# --- lifecycle -------------------------------------------------------------------------------


def publication_problems(*, tour: Tour) -> list[Fix]:
    """Everything that stands between this tour and publishing, each naming the stop and
    the page to fix it on; an empty list means it can be published."""

    editor = reverse("tours:manage_editor", kwargs={"pk": tour.pk})
    stops = list(tour.stops.select_related("partner").order_by("position"))
    if not stops:
        return [
            Fix(
                _("Pick at least one partner to visit."),
                reverse("tours:manage_stops", kwargs={"pk": tour.pk}),
            )
        ]
    fixes: list[Fix] = []
    by_pk = {stop.pk: stop for stop in stops}
    for problem in tour.route_problems:
        key = problem.get("key", "")
        stop = by_pk.get(int(key)) if str(key).isdigit() else None
        url = (
            reverse("tours:manage_stop", kwargs={"pk": tour.pk, "stop_pk": stop.pk})
            if stop
            else editor
        )
        fixes.append(Fix(problem_message(problem), url, stop.pk if stop else None))
    unexplained = [
        stop
        for stop in stops
        if stop.arrives_at is None and stop.pk not in {f.stop_id for f in fixes}
    ]
    if unexplained or not tour.route_geometry:
        fixes.append(
            Fix(
                _("The route has not been composed since the stops changed: compose it."),
                editor,
            )
        )
    # A stop's maximum group size is shown as a problem in the editor (group_size_problems)
    # but does not block publishing: the group may be split at that stop.
    if tour.starts_at <= timezone.now():
        fixes.append(
            Fix(
                _("This tour starts in the past."),
                reverse("tours:manage_edit", kwargs={"pk": tour.pk}),
            )
        )
    return fixes


def group_size_message(name: str, limit: int, seats: int) -> str:
    return _(
        "%(name)s receives groups of at most %(max)s; the tour has %(seats)s seats. "
        "Lower the seats or choose another partner."
    ) % {"name": name, "max": limit, "seats": seats}


def group_size_problems(*, tour: Tour, stops: Sequence[Stop]) -> list[str]:
    """Stops whose partner receives fewer people than the tour has seats (stops loaded with
    their partner)."""
    return [
        group_size_message(stop.partner.name, stop.partner.max_group_size, tour.capacity)
        for stop in stops
        if stop.partner.max_group_size is not None and tour.capacity > stop.partner.max_group_size
    ]


@transaction.atomic
def publish_tour(*, tour: Tour) -> Tour:
    """Open the tour for registration: it needs a composed route that fits and a future date;
    a refusal lists every problem with where to fix it."""
    tour = Tour.objects.select_for_update().get(pk=tour.pk)
    if tour.status == Activity.Status.CANCELLED:
        raise TourError(_("A cancelled tour cannot be published; duplicate it instead."))
    fixes = publication_problems(tour=tour)
    if fixes:
        field = "starts_at" if fixes[-1].problem == _("This tour starts in the past.") else None
        if not tour.stops.exists():
            field = "partners"
        raise TourError(
            _("Not published yet: %(problems)s")
            % {"problems": " ".join(fix.problem for fix in fixes)},
            field=field,
            fixes=fixes,
        )
    tour.status = Activity.Status.PUBLISHED
    tour.save()
    return tour


@transaction.atomic
def cancel_tour(*, tour: Tour) -> Tour:
    tour = Tour.objects.select_for_update().get(pk=tour.pk)
    if tour.status == Activity.Status.CANCELLED:
        raise TourError(_("This tour is already cancelled."))
    tour.status = Activity.Status.CANCELLED
    tour.save()
    return tour


@transaction.atomic
def duplicate_tour(*, tour: Tour, starts_on: dt.date, coordinator: User | None = None) -> Tour:
    """A draft copy on another date at the same time of day, with the same stops, composed."""
    local_start = timezone.localtime(tour.starts_at)
    starts_at = timezone.make_aware(dt.datetime.combine(starts_on, local_start.time()))
    copy = create_tour(
        workspace=tour.workspace,
        coordinator=coordinator or tour.coordinator,
        title=retitle_for_date(tour.title, old=local_start.date(), new=starts_on),
        starts_at=starts_at,
        neighbourhood=tour.neighbourhood,
        themes=list(tour.themes.all()),
        **{
            name: getattr(tour, name)
            for name in EDITABLE_FIELDS
            if name not in {"title", "starts_at", "neighbourhood", "registration_deadline"}
        },
    )
    copy.manual_order = tour.manual_order
    copy.domain_caps = tour.domain_caps
    copy.domain_reserved = tour.domain_reserved
    copy.waitlist_enabled = tour.waitlist_enabled
    copy.save()
    Stop.objects.bulk_create(
        Stop(
            tour=copy,
            partner_id=stop.partner_id,
            position=stop.position,
            visit_minutes=stop.visit_minutes,
            host_id=stop.host_id,
            programme=stop.programme,
        )
        for stop in tour.stops.order_by("position")
    )
    if copy.stops.exists():
        # The copy repeats the original's order; "best order" stays the coordinator's call.
        compose_route(tour=copy, keep_order=True)
        copy.refresh_from_db()
    return copy
