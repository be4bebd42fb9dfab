"""Pure statistics over ratings: plain numbers in, plain numbers out, no Django request.

The anonymity rule lives here: a group with fewer than `MIN_RATINGS` ratings is reported as
"too few ratings" — its count is known, its grades are withheld — so a small group's answers
cannot be traced back to the few people in it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median as _median

MIN_RATINGS = 5
GRADES = tuple(range(1, 11))
REFER_ANSWERS = ("yes", "maybe", "no")


def mean(grades: Sequence[int]) -> float | None:
    """Arithmetic mean, or None for no grades."""
    if not grades:
        return None
    return sum(grades) / len(grades)


def median(grades: Sequence[int]) -> float | None:
    """Middle grade (mean of the two middle ones for an even count), or None for no grades."""
    if not grades:
        return None
    return float(_median(grades))


def distribution(grades: Iterable[int]) -> dict[int, int]:
    """How many times each grade 1..10 was given (zeros included, in order)."""
    counts = Counter(grades)
    return {grade: counts.get(grade, 0) for grade in GRADES}


def response_rate(*, responses: int, invited: int) -> float | None:
    """Share of invited people who responded (0..1), or None when nobody was invited."""
    if invited <= 0:
        return None
    return min(responses, invited) / invited


def refer_shares(answers: Iterable[str]) -> dict[str, float] | None:
    """Share of yes/maybe/no among the answered "would you refer" questions, or None."""
    counts = Counter(answer for answer in answers if answer in REFER_ANSWERS)
    total = sum(counts.values())
    if not total:
        return None
    return {answer: counts[answer] / total for answer in REFER_ANSWERS}


@dataclass(frozen=True)
class GradeSummary:
    """Count, mean, median and distribution of one group of grades.

    `withheld` is true when the group is below the anonymity threshold; then mean, median and
    distribution are None and pages say "too few ratings".
    """

    count: int
    mean: float | None
    median: float | None
    distribution: dict[int, int] | None
    withheld: bool

    @property
    def max_bucket(self) -> int:
        return max(self.distribution.values()) if self.distribution else 0

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "mean": None if self.mean is None else round(self.mean, 2),
            "median": self.median,
            "distribution": (
                None
                if self.distribution is None
                else {str(k): v for k, v in self.distribution.items()}
            ),
            "withheld": self.withheld,
        }


def summarise(grades: Sequence[int], *, threshold: int = MIN_RATINGS) -> GradeSummary:
    """Summary of a group of grades, withheld below `threshold` ratings."""
    grades = list(grades)
    if len(grades) < threshold:
        return GradeSummary(len(grades), None, None, None, withheld=True)
    return GradeSummary(
        count=len(grades),
        mean=mean(grades),
        median=median(grades),
        distribution=distribution(grades),
        withheld=False,
    )


def group_summaries(
    rows: Iterable[tuple[Hashable, int]], *, threshold: int = MIN_RATINGS
) -> dict[Hashable, GradeSummary]:
    """Summaries per key from (key, grade) pairs, keys in order of first appearance."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for key, grade in rows:
        groups[key].append(grade)
    return {key: summarise(grades, threshold=threshold) for key, grades in groups.items()}


def month_key(moment: dt.date | dt.datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def monthly_trend(
    rows: Iterable[tuple[dt.date | dt.datetime, int]], *, threshold: int = MIN_RATINGS
) -> list[tuple[str, GradeSummary]]:
    """Summaries per calendar month ("YYYY-MM"), oldest first."""
    summaries = group_summaries(
        ((month_key(moment), grade) for moment, grade in rows), threshold=threshold
    )
    return sorted(summaries.items())


@dataclass(frozen=True)
class PartnerFigures:
    """What the ratings of one partner's stops say: their grades and the would-refer shares."""

    key: Hashable
    grades: GradeSummary
    answers: int
    refer: dict[str, float] | None

    def as_dict(self) -> dict:
        withheld = self.grades.withheld
        return {
            "grades": self.grades.as_dict(),
            "refer_answers": self.answers,
            "refer_share": None if withheld or self.refer is None else self.refer,
        }


def partner_figures(
    rows: Iterable[tuple[Hashable, int | None, str, int]], *, threshold: int = MIN_RATINGS
) -> dict[Hashable, PartnerFigures]:
    """Per partner key from (key, grade or None, would_refer answer, number) rows — stop
    ratings counted per distinct answer, so the database can group them.

    A partner below the threshold (counted in stop ratings) has its grades and shares
    withheld alike.
    """
    grades: dict[Hashable, list[int]] = defaultdict(list)
    answers: dict[Hashable, Counter] = defaultdict(Counter)
    seen: dict[Hashable, int] = defaultdict(int)
    for key, grade, answer, number in rows:
        seen[key] += number
        if grade is not None:
            grades[key].extend([grade] * number)
        if answer:
            answers[key][answer] += number
    figures = {}
    for key, count in seen.items():
        summary = summarise(grades[key], threshold=threshold)
        withheld = count < threshold or summary.withheld
        figures[key] = PartnerFigures(
            key=key,
            grades=summary,
            answers=sum(answers[key].values()),
            refer=None if withheld else refer_shares(answers[key].elements()),
        )
    return figures


@dataclass(frozen=True)
class ActivityCounts:
    """Registration counts of one ended activity, by status."""

    registrations: int = 0
    confirmed: int = 0
    attended: int = 0
    no_show: int = 0

    @property
    def attendance_taken(self) -> bool:
        return self.attended + self.no_show > 0

    @property
    def attendees(self) -> int:
        """Who took part: the checked-in people, or every confirmed registrant when nobody
        took attendance."""
        return self.attended if self.attendance_taken else self.confirmed


def activity_counts(rows: Iterable[tuple[Hashable, str, int]]) -> dict[Hashable, ActivityCounts]:
    """Counts per activity from (activity key, registration status, number) rows.

    Cancelled and waiting-list registrations are not counted as registrations.
    """
    totals: dict[Hashable, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, status, number in rows:
        totals[key][status] += number
    result = {}
    for key, by_status in totals.items():
        confirmed = by_status["confirmed"]
        attended = by_status["attended"]
        no_show = by_status["no_show"]
        result[key] = ActivityCounts(
            registrations=confirmed + attended + no_show,
            confirmed=confirmed,
            attended=attended,
            no_show=no_show,
        )
    return result


@dataclass
class Breakdown:
    """One labelled group in a breakdown table (by activity, neighbourhood, kind, ...)."""

    key: Hashable
    label: str
    summary: GradeSummary
    extra: dict = field(default_factory=dict)


def breakdown(
    rows: Iterable[tuple[Hashable, int]],
    *,
    label: Callable[[Hashable], str],
    threshold: int = MIN_RATINGS,
) -> list[Breakdown]:
    """Summaries per key, labelled and sorted by label."""
    summaries = group_summaries(rows, threshold=threshold)
    return sorted(
        (
            Breakdown(key=key, label=label(key), summary=summary)
            for key, summary in summaries.items()
        ),
        key=lambda item: item.label.casefold(),
    )
