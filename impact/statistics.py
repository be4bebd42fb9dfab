"""Pure statistics of the impact report: plain rows in, plain numbers out, no request in sight.

The anonymity rule is the ratings app's (`ratings.statistics.MIN_RATINGS`): a group with fewer
than five respondents is reported as "too few answers" — its size is known, its figures are
withheld. Partner-side counts are aggregates a partner typed in, not answers of people, so they
are shown as recorded; a window without any recorded month says "no data" instead of zero.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from ratings.statistics import MIN_RATINGS, response_rate

MIN_ANSWERS = MIN_RATINGS
BUCKETS = ("0", "1", "2-5", "6+")
REFERRED = frozenset(BUCKETS[1:])

__all__ = [
    "BUCKETS",
    "MIN_ANSWERS",
    "Distribution",
    "Gain",
    "Share",
    "SignalWindow",
    "distribution",
    "knowledge_gain",
    "knows_whom_share",
    "month_start",
    "referred_share",
    "referred_share_by",
    "response_rate",
    "shift_months",
    "signal_window",
]


@dataclass(frozen=True)
class Distribution:
    """How many answers fell in each referral bucket, withheld below the threshold."""

    count: int
    counts: dict[str, int] | None
    withheld: bool

    @property
    def shares(self) -> dict[str, float] | None:
        if self.counts is None or not self.count:
            return None
        return {bucket: number / self.count for bucket, number in self.counts.items()}

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "counts": self.counts,
            "shares": (
                None
                if self.shares is None
                else {key: round(value, 4) for key, value in self.shares.items()}
            ),
            "withheld": self.withheld,
        }


def distribution(answers: Iterable[str], *, threshold: int = MIN_ANSWERS) -> Distribution:
    """Answers per bucket 0 / 1 / 2–5 / >5 (zeros included, in order); blanks are skipped."""
    counts = Counter(answer for answer in answers if answer in BUCKETS)
    total = sum(counts.values())
    if total < threshold:
        return Distribution(total, None, withheld=True)
    return Distribution(total, {bucket: counts.get(bucket, 0) for bucket in BUCKETS}, False)


@dataclass(frozen=True)
class Share:
    """`hits` out of `total` (people or answers), as a share 0..1; withheld below the
    threshold."""

    total: int
    hits: int | None
    withheld: bool

    @property
    def share(self) -> float | None:
        if self.withheld or not self.total or self.hits is None:
            return None
        return self.hits / self.total

    def as_dict(self) -> dict:
        share = self.share
        return {
            "total": self.total,
            "hits": self.hits,
            "share": None if share is None else round(share, 4),
            "withheld": self.withheld,
        }


def _share(total: int, hits: int, threshold: int) -> Share:
    if total < threshold:
        return Share(total, None, withheld=True)
    return Share(total, hits, withheld=False)


def referred_share(rows: Iterable[tuple[Hashable, str]], *, threshold: int = MIN_ANSWERS) -> Share:
    """Of the respondents (first item) who answered the referral question for at least one
    partner they met, how many referred to at least one of them (answer 1 or more)."""
    referred: dict[Hashable, bool] = {}
    for respondent, answer in rows:
        if answer not in BUCKETS:
            continue
        referred[respondent] = referred.get(respondent, False) or answer in REFERRED
    return _share(len(referred), sum(referred.values()), threshold)


def referred_share_by(
    rows: Iterable[tuple[Hashable, Hashable, str]], *, threshold: int = MIN_ANSWERS
) -> dict[Hashable, Share]:
    """`referred_share` per group from (group, respondent, answer) rows, groups in order of
    first appearance. A respondent counts in every group they answered in."""
    groups: dict[Hashable, list[tuple[Hashable, str]]] = defaultdict(list)
    for group, respondent, answer in rows:
        groups[group].append((respondent, answer))
    return {group: referred_share(items, threshold=threshold) for group, items in groups.items()}


def knows_whom_share(answers: Iterable[bool | None], *, threshold: int = MIN_ANSWERS) -> Share:
    """Share of the answered "I now know whom to call there" questions answered yes."""
    answered = [answer for answer in answers if answer is not None]
    return _share(len(answered), sum(answered), threshold)


@dataclass(frozen=True)
class Gain:
    """Mean knowledge (1–5) before and after over the pairs that have both, and the gain."""

    pairs: int
    before: float | None
    after: float | None
    withheld: bool

    @property
    def gain(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def as_dict(self) -> dict:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "pairs": self.pairs,
            "before": rounded(self.before),
            "after": rounded(self.after),
            "gain": rounded(self.gain),
            "withheld": self.withheld,
        }


def knowledge_gain(
    pairs: Iterable[tuple[int | None, int | None]], *, threshold: int = MIN_ANSWERS
) -> Gain:
    """Knowledge gain from (baseline, follow-up) pairs for the same person and partner; a pair
    missing either answer is left out, so the same people are compared before and after."""
    complete = [(before, after) for before, after in pairs if before and after]
    if len(complete) < threshold:
        return Gain(len(complete), None, None, withheld=True)
    return Gain(
        pairs=len(complete),
        before=sum(before for before, _after in complete) / len(complete),
        after=sum(after for _before, after in complete) / len(complete),
        withheld=False,
    )


def month_start(day: dt.date | dt.datetime) -> dt.date:
    return dt.date(day.year, day.month, 1)


def shift_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class SignalWindow:
    """A partner's counts in the months before and after an activity.

    The activity's own month belongs to neither side (it is half before, half after). Months
    without a record are not zeros: they are not counted, and a side without any record has no
    mean."""

    before_months: int
    before_total: int
    after_months: int
    after_total: int
    before_tour_participant: int
    after_tour_participant: int

    @property
    def before_mean(self) -> float | None:
        return self.before_total / self.before_months if self.before_months else None

    @property
    def after_mean(self) -> float | None:
        return self.after_total / self.after_months if self.after_months else None

    def as_dict(self) -> dict:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "before_months": self.before_months,
            "before_total": self.before_total,
            "before_mean": rounded(self.before_mean),
            "after_months": self.after_months,
            "after_total": self.after_total,
            "after_mean": rounded(self.after_mean),
            "before_tour_participant": self.before_tour_participant,
            "after_tour_participant": self.after_tour_participant,
        }


def signal_window(
    counts: Mapping[dt.date, tuple[int, int | None]],
    *,
    event: dt.date,
    months: int = 6,
) -> SignalWindow:
    """Counts per month ({first day of month: (via professional, via tour participant or
    None)}) summed over the `months` months before the event's month and the `months` after."""
    event_month = month_start(event)
    before_first = shift_months(event_month, -months)
    after_last = shift_months(event_month, months)
    totals = {"before": [0, 0, 0], "after": [0, 0, 0]}
    for month, (professional, participant) in counts.items():
        if before_first <= month < event_month:
            side = totals["before"]
        elif event_month < month <= after_last:
            side = totals["after"]
        else:
            continue
        side[0] += 1
        side[1] += professional
        side[2] += participant or 0
    return SignalWindow(
        before_months=totals["before"][0],
        before_total=totals["before"][1],
        after_months=totals["after"][0],
        after_total=totals["after"][1],
        before_tour_participant=totals["before"][2],
        after_tour_participant=totals["after"][2],
    )
