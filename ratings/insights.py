"""Reading ratings for the insights dashboard, the partner view, the CSV exports and the API.

A fixed handful of queries fetches plain rows (values lists, no model instances); the pure
`ratings.statistics` module turns them into figures. So the number of queries never grows with
the number of ratings, and the numbers are the same on every page that shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from activities.models import Activity, Registration
from core.models import Workspace
from core.vocab import Domain
from network.models import Partner
from ratings import statistics
from ratings.models import Rating, RatingInvitation, StopRating


@dataclass(frozen=True)
class InsightsFilter:
    """Which activities count: those of the workspaces, in the period and neighbourhood."""

    workspace_ids: tuple[int, ...]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    neighbourhood_id: int | None = None

    def activities(self, *, now: dt.datetime | None = None) -> QuerySet[Activity]:
        """Held (ended, not cancelled) activities in scope."""
        now = now or timezone.now()
        query = Activity.objects.filter(
            workspace_id__in=self.workspace_ids,
            status=Activity.Status.PUBLISHED,
            ends_at__lte=now,
        )
        if self.date_from:
            query = query.filter(starts_at__date__gte=self.date_from)
        if self.date_to:
            query = query.filter(starts_at__date__lte=self.date_to)
        if self.neighbourhood_id:
            query = query.filter(neighbourhood_id=self.neighbourhood_id)
        return query


# The coordinator's on-the-spot link page per activity; formatted, not reversed, per row
# because the dashboard may list hundreds of activities.
DEVICE_LINK = "/manage/insights/activity/{pk}/device-link/"


@dataclass
class ActivityRow:
    pk: int
    title: str
    kind: str
    starts_at: dt.datetime
    neighbourhood: str
    counts: statistics.ActivityCounts
    summary: statistics.GradeSummary
    device_ratings: int = 0

    @property
    def device_link(self) -> str:
        return DEVICE_LINK.format(pk=self.pk)


@dataclass
class PartnerRow:
    pk: int
    name: str
    slug: str
    figures: statistics.PartnerFigures


@dataclass
class Insights:
    """Everything the dashboard shows, already computed."""

    activities: int
    tours: int
    sessions: int
    registrations: int
    attendees: int
    professionals: int
    tour_professionals: int
    session_professionals: int
    invited: int
    responses: int
    device_ratings: int
    response_rate: float | None
    overall: statistics.GradeSummary
    tour_summary: statistics.GradeSummary
    session_summary: statistics.GradeSummary
    trend: list[tuple[str, statistics.GradeSummary]]
    by_activity: list[ActivityRow]
    by_neighbourhood: list[statistics.Breakdown]
    by_kind: list[statistics.Breakdown]
    by_domain: list[statistics.Breakdown]
    by_source: list[statistics.Breakdown]
    by_partner: list[PartnerRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        def rows(items: list[statistics.Breakdown]) -> list[dict]:
            return [
                {"key": str(item.key), "label": item.label, **item.summary.as_dict()}
                for item in items
            ]

        return {
            "activities": self.activities,
            "tours": self.tours,
            "sessions": self.sessions,
            "registrations": self.registrations,
            "attendees": self.attendees,
            "professionals": self.professionals,
            "tour_professionals": self.tour_professionals,
            "session_professionals": self.session_professionals,
            "invited": self.invited,
            "responses": self.responses,
            "device_ratings": self.device_ratings,
            "response_rate": (None if self.response_rate is None else round(self.response_rate, 4)),
            "overall": self.overall.as_dict(),
            "tours_overall": self.tour_summary.as_dict(),
            "sessions_overall": self.session_summary.as_dict(),
            "trend": [{"month": month, **summary.as_dict()} for month, summary in self.trend],
            "by_activity": [
                {
                    "id": row.pk,
                    "title": row.title,
                    "kind": row.kind,
                    "starts_at": row.starts_at.isoformat(),
                    "neighbourhood": row.neighbourhood,
                    "registrations": row.counts.registrations,
                    "attendees": row.counts.attendees,
                    "device_ratings": row.device_ratings,
                    **row.summary.as_dict(),
                }
                for row in self.by_activity
            ],
            "by_neighbourhood": rows(self.by_neighbourhood),
            "by_kind": rows(self.by_kind),
            "by_domain": rows(self.by_domain),
            "by_source": rows(self.by_source),
            "by_partner": [
                {"slug": row.slug, "name": row.name, **row.figures.as_dict()}
                for row in self.by_partner
            ],
        }


def collect_insights(*, scope: InsightsFilter, now: dt.datetime | None = None) -> Insights:
    """All dashboard figures for the scope, in seven queries whatever the number of ratings."""
    now = now or timezone.now()
    activity_query = scope.activities(now=now)
    activities = {
        row[0]: row
        for row in activity_query.values_list(
            "pk", "title", "kind", "starts_at", "neighbourhood__name"
        )
    }
    status_rows = (
        Registration.objects.filter(activity__in=activity_query)
        .values_list("activity_id", "status")
        .annotate(number=Count("pk"))
        .order_by()
    )
    counts = statistics.activity_counts(status_rows)
    # Unique professionals: distinct e-mail addresses among the attendees (checked in, or
    # confirmed where nobody took attendance), overall and per kind. Counted here from plain
    # rows: cheaper than a correlated subquery with three DISTINCT counts.
    addresses: dict[str, set[str]] = {"all": set(), "tour": set(), "session": set()}
    for activity_id, status, email in Registration.objects.filter(
        activity__in=activity_query,
        status__in=[Registration.Status.ATTENDED, Registration.Status.CONFIRMED],
    ).values_list("activity_id", "status", "email"):
        if status == Registration.Status.CONFIRMED and counts[activity_id].attendance_taken:
            continue
        address = email.strip().lower()
        addresses["all"].add(address)
        addresses[activities[activity_id][2]].add(address)
    invited = RatingInvitation.objects.filter(
        registration__activity__in=activity_query, sent_at__isnull=False
    ).count()
    ratings = list(
        Rating.objects.filter(activity__in=activity_query).values_list(
            "activity_id", "grade", "rater_domain", "source"
        )
    )
    # Stop ratings of the tours in scope, grouped per partner, grade and answer in the
    # database; partner names come from a separate small query instead of a wide join.
    tours_in_scope = activity_query.values("pk")
    partner_names = {
        pk: (name, slug)
        for pk, name, slug in Partner.objects.filter(stops__tour_id__in=tours_in_scope)
        .values_list("pk", "name", "slug")
        .distinct()
    }
    stop_rows = list(
        StopRating.objects.filter(stop__tour_id__in=tours_in_scope)
        .values_list("stop__partner_id", "grade", "would_refer")
        .annotate(number=Count("pk"))
        .order_by()
    )

    kind_labels = dict(Activity.Kind.choices)
    domain_labels = dict(Domain.choices)
    source_labels = dict(Rating.Source.choices)
    per_activity = statistics.group_summaries((a, g) for a, g, _d, _s in ratings)
    device_per_activity: dict[int, int] = {}
    for activity_id, _grade, _domain, source in ratings:
        if source == Rating.Source.DEVICE:
            device_per_activity[activity_id] = device_per_activity.get(activity_id, 0) + 1
    empty = statistics.summarise([])
    by_activity = [
        ActivityRow(
            pk=pk,
            title=title,
            kind=str(kind_labels.get(kind, kind)),
            starts_at=starts_at,
            neighbourhood=neighbourhood or "",
            counts=counts.get(pk, statistics.ActivityCounts()),
            summary=per_activity.get(pk, empty),
            device_ratings=device_per_activity.get(pk, 0),
        )
        for pk, (pk, title, kind, starts_at, neighbourhood) in activities.items()
    ]
    by_activity.sort(key=lambda row: (row.starts_at, row.pk), reverse=True)

    partner_figures = statistics.partner_figures(stop_rows)
    by_partner = sorted(
        (
            PartnerRow(pk=pid, name=partner_names[pid][0], slug=partner_names[pid][1], figures=f)
            for pid, f in partner_figures.items()
        ),
        key=lambda row: row.name.casefold(),
    )
    responses = sum(1 for *_rest, source in ratings if source == Rating.Source.LINK)
    no_neighbourhood = "—"
    # Months in local time, computed once per activity rather than once per rating.
    activity_day = {pk: timezone.localdate(row[3]) for pk, row in activities.items()}
    return Insights(
        activities=len(activities),
        tours=sum(1 for row in activities.values() if row[2] == Activity.Kind.TOUR),
        sessions=sum(1 for row in activities.values() if row[2] == Activity.Kind.SESSION),
        registrations=sum(c.registrations for c in counts.values()),
        attendees=sum(c.attendees for c in counts.values()),
        professionals=len(addresses["all"]),
        tour_professionals=len(addresses["tour"]),
        session_professionals=len(addresses["session"]),
        invited=invited,
        responses=responses,
        device_ratings=len(ratings) - responses,
        response_rate=statistics.response_rate(responses=responses, invited=invited),
        overall=statistics.summarise([g for _a, g, _d, _s in ratings]),
        tour_summary=statistics.summarise(
            [g for a, g, _d, _s in ratings if activities[a][2] == Activity.Kind.TOUR]
        ),
        session_summary=statistics.summarise(
            [g for a, g, _d, _s in ratings if activities[a][2] == Activity.Kind.SESSION]
        ),
        trend=statistics.monthly_trend((activity_day[a], g) for a, g, _d, _s in ratings),
        by_activity=by_activity,
        by_neighbourhood=statistics.breakdown(
            ((activities[a][4] or no_neighbourhood, g) for a, g, _d, _s in ratings),
            label=str,
        ),
        by_kind=statistics.breakdown(
            ((activities[a][2], g) for a, g, _d, _s in ratings),
            label=lambda key: str(kind_labels.get(key, key)),
        ),
        by_domain=statistics.breakdown(
            ((d or "", g) for _a, g, d, _s in ratings),
            label=lambda key: str(domain_labels.get(key, "")) or str(source_labels["device"]),
        ),
        by_source=statistics.breakdown(
            ((s, g) for _a, g, _d, s in ratings),
            label=lambda key: str(source_labels.get(key, key)),
        ),
        by_partner=by_partner,
    )


# --- partner view -------------------------------------------------------------------------


@dataclass
class PartnerInsights:
    partner: Partner
    figures: statistics.PartnerFigures
    per_tour: list[statistics.Breakdown]
    comments: list[dict]


def collect_partner_insights(*, partner: Partner) -> PartnerInsights:
    """A partner's own stop grades, would-refer shares and the consented comments — never a
    name, an e-mail or a registration."""
    stop_rows = list(
        StopRating.objects.filter(
            stop__partner=partner, rating__activity__status=Activity.Status.PUBLISHED
        )
        .values_list("stop__tour_id", "stop__tour__title", "grade", "would_refer")
        .annotate(number=Count("pk"))
        .order_by()
    )
    figures = statistics.partner_figures(
        (partner.pk, g, w, c) for _t, _n, g, w, c in stop_rows
    ).get(partner.pk)
    if figures is None:
        figures = statistics.PartnerFigures(
            key=partner.pk, grades=statistics.summarise([]), answers=0, refer=None
        )
    titles = {tour_id: title for tour_id, title, _g, _w, _c in stop_rows}
    per_tour = statistics.breakdown(
        ((tour_id, g) for tour_id, _n, g, _w, c in stop_rows if g is not None for _ in range(c)),
        label=lambda key: titles[key],
    )
    comments = list(
        Rating.objects.filter(
            stop_ratings__stop__partner=partner,
            consent_to_share=True,
            anonymised_at__isnull=True,
        )
        .exclude(comment="")
        .values("comment", "activity__title", "activity__starts_at")
        .order_by("-activity__starts_at", "pk")
        .distinct()
    )
    return PartnerInsights(partner=partner, figures=figures, per_tour=per_tour, comments=comments)


def rating_rows(*, scope: InsightsFilter) -> list[tuple]:
    """Anonymised rating rows for the CSV export: no names, e-mails or registration ids; a
    comment only when its author consented to share it."""
    return list(
        Rating.objects.filter(activity__in=scope.activities())
        .order_by("activity__starts_at", "created_at", "pk")
        .values_list(
            "activity__title",
            "activity__kind",
            "activity__starts_at",
            "activity__neighbourhood__name",
            "source",
            "rater_domain",
            "grade",
            "most_valuable",
            "comment",
            "consent_to_share",
        )
    )


def workspace_ids_for(*, workspaces: QuerySet[Workspace]) -> tuple[int, ...]:
    return tuple(workspaces.values_list("pk", flat=True))
