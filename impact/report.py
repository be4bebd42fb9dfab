"""Reading the impact report for `/manage/impact/`, its CSV, the annual report and the API.

A fixed handful of queries fetches plain rows (values lists, no model instances); the pure
`impact.statistics` module turns them into figures. So the number of queries does not grow with
the number of activities or answers, and every page shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from activities.models import Activity, Registration
from core.vocab import Domain, Profession
from impact import statistics
from impact.models import BaselineAnswer, FollowUp, FollowUpAnswer, PartnerSignal
from network.models import Partner, Theme
from ratings.insights import InsightsFilter
from ratings.models import Rating
from ratings.statistics import activity_counts
from tours.models import Stop

NO_NEIGHBOURHOOD = "—"


@dataclass(frozen=True)
class ImpactFilter(InsightsFilter):
    """Which activities and answers count: the workspaces' held activities in the period and
    neighbourhood, as on the insights dashboard; answers about one partner, or from one domain
    or profession, if chosen."""

    partner_id: int | None = None
    domain: str = ""
    profession: str = ""

    def activities(self, *, now: dt.datetime | None = None) -> QuerySet[Activity]:
        query = super().activities(now=now)
        if self.partner_id:
            query = query.filter(tour__stops__partner_id=self.partner_id)
        return query


class _Answers:
    """What a breakdown row and a wave both report: invitations, responses and the figures of
    the answers (the fields are the dataclasses')."""

    invited: int
    responses: int
    referred: statistics.Share
    distribution: statistics.Distribution
    knows_whom: statistics.Share

    @property
    def response_rate(self) -> float | None:
        return statistics.response_rate(responses=self.responses, invited=self.invited)

    def _figures(self) -> dict:
        rate = self.response_rate
        return {
            "invited": self.invited,
            "responses": self.responses,
            "response_rate": None if rate is None else round(rate, 4),
            "referred": self.referred.as_dict(),
            "distribution": self.distribution.as_dict(),
            "knows_whom_to_call": self.knows_whom.as_dict(),
        }


@dataclass
class Group(_Answers):
    """One row of a breakdown: who answered and what share referred."""

    key: Hashable
    label: str
    referred: statistics.Share
    distribution: statistics.Distribution
    knows_whom: statistics.Share
    invited: int = 0
    responses: int = 0

    def as_dict(self) -> dict:
        return {"key": str(self.key), "label": self.label, **self._figures()}


@dataclass
class Wave(_Answers):
    number: int
    invited: int
    responses: int
    referred: statistics.Share
    distribution: statistics.Distribution
    knows_whom: statistics.Share

    def as_dict(self) -> dict:
        return {"wave": self.number, **self._figures()}


@dataclass
class PartnerSide:
    pk: int
    name: str
    slug: str
    first_visit: dt.date | None
    months: list[tuple[dt.date, int, int | None]]
    window: statistics.SignalWindow | None

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "first_visit": None if self.first_visit is None else self.first_visit.isoformat(),
            "months": [
                {"month": m.isoformat()[:7], "via_professional": p, "via_tour_participant": t}
                for m, p, t in self.months
            ],
            "window": None if self.window is None else self.window.as_dict(),
        }


@dataclass
class Story:
    text: str
    about: str
    activity: str
    date: dt.date


@dataclass
class Report:
    """Everything the impact page shows, already computed."""

    activities: int
    tours: int
    sessions: int
    professionals: int
    attendees: int
    mean_grade: float | None
    grades: int
    referred: statistics.Share
    baseline: statistics.Distribution
    baseline_respondents: int
    waves: list[Wave]
    knowledge: statistics.Gain
    by_period: list[Group]
    by_neighbourhood: list[Group]
    by_partner: list[Group]
    by_domain: list[Group]
    by_profession: list[Group]
    by_activity: list[Group]
    partners: list[PartnerSide]
    stories: list[Story] = field(default_factory=list)

    @property
    def signal_months(self) -> list[tuple[dt.date, int, int]]:
        """Partner counts summed per month over the partners in scope: (month, via a
        professional, via a tour participant), oldest first."""
        totals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for partner in self.partners:
            for month, professional, participant in partner.months:
                totals[month][0] += professional
                totals[month][1] += participant or 0
        return [(month, *totals[month]) for month in sorted(totals)]

    @property
    def mean_grade_shown(self) -> float | None:
        return self.mean_grade if self.grades >= statistics.MIN_ANSWERS else None

    def as_dict(self) -> dict:
        def rows(groups: list[Group]) -> list[dict]:
            return [group.as_dict() for group in groups]

        mean = self.mean_grade_shown
        return {
            "activities": self.activities,
            "tours": self.tours,
            "sessions": self.sessions,
            "professionals": self.professionals,
            "attendees": self.attendees,
            "mean_grade": None if mean is None else round(mean, 2),
            "grades": self.grades,
            "referred": self.referred.as_dict(),
            "baseline": {
                "respondents": self.baseline_respondents,
                "distribution": self.baseline.as_dict(),
            },
            "waves": [wave.as_dict() for wave in self.waves],
            "knowledge": self.knowledge.as_dict(),
            "by_period": rows(self.by_period),
            "by_neighbourhood": rows(self.by_neighbourhood),
            "by_partner": rows(self.by_partner),
            "by_domain": rows(self.by_domain),
            "by_profession": rows(self.by_profession),
            "by_activity": rows(self.by_activity),
            "partners": [partner.as_dict() for partner in self.partners],
            "stories": [
                {
                    "text": story.text,
                    "about": story.about,
                    "activity": story.activity,
                    "date": story.date.isoformat(),
                }
                for story in self.stories
            ],
        }


def _quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def collect_report(*, scope: ImpactFilter, now: dt.datetime | None = None) -> Report:
    """All report figures for the scope in ten queries, whatever the number of activities or
    answers."""
    now = now or timezone.now()
    activity_query = scope.activities(now=now).distinct()
    activities = {
        row[0]: row
        for row in activity_query.values_list(
            "pk", "title", "kind", "starts_at", "neighbourhood__name"
        )
    }
    ids = activity_query.values("pk")
    counts = activity_counts(
        Registration.objects.filter(activity__in=ids)
        .values_list("activity_id", "status")
        .annotate(number=Count("pk"))
        .order_by()
    )
    professionals: set[str] = set()
    for activity_id, status, email in Registration.objects.filter(
        activity__in=ids, status__in=[Registration.Status.ATTENDED, Registration.Status.CONFIRMED]
    ).values_list("activity_id", "status", "email"):
        if status == Registration.Status.CONFIRMED and counts[activity_id].attendance_taken:
            continue
        professionals.add(email.strip().lower())
    grade = Rating.objects.filter(activity__in=ids).aggregate(mean=Avg("grade"), n=Count("pk"))

    followup_query = FollowUp.objects.filter(activity__in=ids, sent_at__isnull=False)
    if scope.domain:
        followup_query = followup_query.filter(respondent_domain=scope.domain)
    if scope.profession:
        followup_query = followup_query.filter(respondent_profession=scope.profession)
    followups = {
        row[0]: row
        for row in followup_query.values_list(
            "pk",
            "activity_id",
            "wave",
            "registration_id",
            "answered_at",
            "respondent_domain",
            "respondent_profession",
            "story",
            "consent_to_share",
            "story_partner_id",
        )
    }
    answer_query = FollowUpAnswer.objects.filter(followup__in=followup_query)
    if scope.partner_id:
        answer_query = answer_query.filter(partner_id=scope.partner_id)
    answers = list(
        answer_query.values_list(
            "followup_id", "partner_id", "theme_id", "referrals", "knows_whom_to_call", "knowledge"
        )
    )
    baseline_query = BaselineAnswer.objects.filter(
        baseline__activity__in=ids, baseline__submitted_at__isnull=False
    )
    if scope.domain:
        baseline_query = baseline_query.filter(baseline__respondent_domain=scope.domain)
    if scope.profession:
        baseline_query = baseline_query.filter(baseline__respondent_profession=scope.profession)
    if scope.partner_id:
        baseline_query = baseline_query.filter(partner_id=scope.partner_id)
    baseline_rows = list(
        baseline_query.values_list(
            "baseline__registration_id",
            "baseline_id",
            "partner_id",
            "theme_id",
            "knowledge",
            "referrals",
        )
    )
    visits = list(Stop.objects.filter(tour_id__in=ids).values_list("tour_id", "partner_id"))
    partner_ids = {pid for _t, pid in visits} | {a[1] for a in answers if a[1]}
    if scope.partner_id:
        partner_ids &= {scope.partner_id}
    partner_names = {
        pk: (name, slug)
        for pk, name, slug in Partner.objects.filter(pk__in=partner_ids).values_list(
            "pk", "name", "slug"
        )
    }
    theme_names = dict(
        Theme.objects.filter(
            pk__in={a[2] for a in answers if a[2]} | {b[3] for b in baseline_rows if b[3]}
        ).values_list("pk", "name")
    )
    signals: dict[int, list[tuple[dt.date, int, int | None]]] = defaultdict(list)
    for partner_id, month, professional, participant in (
        PartnerSignal.objects.filter(partner_id__in=partner_ids)
        .order_by("partner_id", "month")
        .values_list("partner_id", "month", "via_professional", "via_tour_participant")
    ):
        signals[partner_id].append((month, professional, participant))

    return _compute(
        activities=activities,
        counts=counts,
        professionals=len(professionals),
        grade=grade,
        followups=followups,
        answers=answers,
        baseline_rows=baseline_rows,
        visits=visits,
        partner_names=partner_names,
        theme_names=theme_names,
        signals=signals,
    )


def _compute(
    *,
    activities,
    counts,
    professionals,
    grade,
    followups,
    answers,
    baseline_rows,
    visits,
    partner_names,
    theme_names,
    signals,
) -> Report:
    """The arithmetic over the fetched rows; no queries from here on."""
    day = {pk: timezone.localdate(row[3]) for pk, row in activities.items()}
    domain_labels = dict(Domain.choices)
    profession_labels = dict(Profession.choices)

    def respondent(followup_id: int) -> Hashable:
        registration_id = followups[followup_id][3]
        return registration_id if registration_id is not None else f"f{followup_id}"

    # One row per answer, carrying everything a breakdown may group by.
    rows = []
    for followup_id, partner_id, theme_id, referrals, knows, knowledge in answers:
        f = followups.get(followup_id)
        if f is None:
            continue
        rows.append((f, partner_id, theme_id, referrals, knows, knowledge))

    def group(key_of, label_of, *, invited_of=None) -> list[Group]:
        buckets: dict[Hashable, list] = defaultdict(list)
        for row in rows:
            key = key_of(row)
            if key is not None:
                buckets[key].append(row)
        invited: dict[Hashable, int] = defaultdict(int)
        responded: dict[Hashable, int] = defaultdict(int)
        if invited_of is not None:
            for f in followups.values():
                key = invited_of(f)
                invited[key] += 1
                responded[key] += f[4] is not None
        result = [
            Group(
                key=key,
                label=label_of(key),
                referred=statistics.referred_share((respondent(r[0][0]), r[3]) for r in items),
                distribution=statistics.distribution(r[3] for r in items),
                knows_whom=statistics.knows_whom_share(r[4] for r in items),
                invited=invited.get(key, 0),
                responses=responded.get(key, 0),
            )
            for key, items in buckets.items()
        ]
        for key in set(invited) - set(buckets):
            empty = statistics.referred_share([])
            result.append(
                Group(
                    key=key,
                    label=label_of(key),
                    referred=empty,
                    distribution=statistics.distribution([]),
                    knows_whom=statistics.knows_whom_share([]),
                    invited=invited[key],
                    responses=responded[key],
                )
            )
        return result

    def by_label(groups: list[Group]) -> list[Group]:
        return sorted(groups, key=lambda g: g.label.casefold())

    waves = []
    for number in (1, 2):
        wave_rows = [r for r in rows if r[0][2] == number]
        wave_followups = [f for f in followups.values() if f[2] == number]
        if not wave_followups:
            continue
        waves.append(
            Wave(
                number=number,
                invited=len(wave_followups),
                responses=sum(1 for f in wave_followups if f[4] is not None),
                referred=statistics.referred_share((respondent(r[0][0]), r[3]) for r in wave_rows),
                distribution=statistics.distribution(r[3] for r in wave_rows),
                knows_whom=statistics.knows_whom_share(r[4] for r in wave_rows),
            )
        )

    # Knowledge before (baseline) and after (the latest wave that asked it), per person and
    # partner or theme.
    before = {(b[0], b[2], b[3]): b[4] for b in baseline_rows if b[0] is not None}
    after: dict[tuple, tuple[int, int]] = {}
    for f, partner_id, theme_id, _ref, _knows, knowledge in rows:
        if knowledge and f[3] is not None:
            key = (f[3], partner_id, theme_id)
            if key not in after or after[key][0] < f[2]:
                after[key] = (f[2], knowledge)
    knowledge = statistics.knowledge_gain(
        (before[key], value) for key, (_wave, value) in after.items() if key in before
    )

    first_visit: dict[int, dt.date] = {}
    for tour_id, partner_id in visits:
        if partner_id in partner_names:
            visit = day[tour_id]
            first_visit[partner_id] = min(first_visit.get(partner_id, visit), visit)
    partners = sorted(
        (
            PartnerSide(
                pk=pk,
                name=name,
                slug=slug,
                first_visit=first_visit.get(pk),
                months=signals.get(pk, []),
                window=(
                    statistics.signal_window(
                        {m: (p, t) for m, p, t in signals[pk]}, event=first_visit[pk]
                    )
                    if pk in first_visit and pk in signals
                    else None
                ),
            )
            for pk, (name, slug) in partner_names.items()
        ),
        key=lambda p: p.name.casefold(),
    )

    stories = sorted(
        (
            Story(
                text=f[7],
                about=partner_names.get(f[9], ("",))[0] if f[9] else "",
                activity=activities[f[1]][1],
                date=day[f[1]],
            )
            for f in followups.values()
            if f[8] and f[7]
        ),
        key=lambda s: (s.date, s.text),
        reverse=True,
    )

    def subject_label(key: tuple) -> str:
        kind, pk = key
        if kind == "p":
            return partner_names.get(pk, ("?",))[0]
        return theme_names.get(pk, "?")

    return Report(
        activities=len(activities),
        tours=sum(1 for row in activities.values() if row[2] == Activity.Kind.TOUR),
        sessions=sum(1 for row in activities.values() if row[2] == Activity.Kind.SESSION),
        professionals=professionals,
        attendees=sum(c.attendees for c in counts.values()),
        mean_grade=grade["mean"],
        grades=grade["n"],
        referred=statistics.referred_share((respondent(r[0][0]), r[3]) for r in rows),
        baseline=statistics.distribution(b[5] for b in baseline_rows),
        baseline_respondents=len({b[1] for b in baseline_rows}),
        waves=waves,
        knowledge=knowledge,
        by_period=sorted(
            group(
                lambda r: _quarter(day[r[0][1]]),
                str,
                invited_of=lambda f: _quarter(day[f[1]]),
            ),
            key=lambda g: g.key,
        ),
        by_neighbourhood=by_label(
            group(
                lambda r: activities[r[0][1]][4] or NO_NEIGHBOURHOOD,
                str,
                invited_of=lambda f: activities[f[1]][4] or NO_NEIGHBOURHOOD,
            )
        ),
        by_partner=by_label(
            group(
                lambda r: ("p", r[1]) if r[1] else ("t", r[2]),
                subject_label,
            )
        ),
        by_domain=by_label(
            group(
                lambda r: r[0][5],
                lambda key: str(domain_labels.get(key, key or "—")),
                invited_of=lambda f: f[5],
            )
        ),
        by_profession=by_label(
            group(
                lambda r: r[0][6],
                lambda key: str(profession_labels.get(key, key or "—")),
                invited_of=lambda f: f[6],
            )
        ),
        by_activity=sorted(
            group(
                lambda r: r[0][1],
                lambda key: f"{activities[key][1]} ({day[key].strftime('%d-%m-%Y')})",
                invited_of=lambda f: f[1],
            ),
            key=lambda g: (day[g.key], g.key),
            reverse=True,
        ),
        partners=partners,
        stories=stories,
    )
