import datetime as dt

from impact import statistics


def test_distribution_counts_every_bucket_in_order():
    result = statistics.distribution(["0", "1", "2-5", "2-5", "6+", "", "0"])
    assert result.count == 6
    assert result.counts == {"0": 2, "1": 1, "2-5": 2, "6+": 1}
    assert result.shares == {"0": 2 / 6, "1": 1 / 6, "2-5": 2 / 6, "6+": 1 / 6}
    assert result.withheld is False


def test_distribution_below_five_answers_is_withheld():
    result = statistics.distribution(["1", "1", "0", "6+"])
    assert result.count == 4
    assert result.counts is None
    assert result.shares is None
    assert result.withheld is True


def test_referred_share_counts_people_who_referred_to_at_least_one_partner():
    rows = [
        ("anna", "0"),
        ("anna", "1"),  # anna referred to one partner out of two: counts once
        ("bram", "0"),
        ("bram", "0"),
        ("cem", "2-5"),
        ("dirk", "6+"),
        ("eva", "0"),
        ("fay", ""),  # no referral answer: not a respondent to this question
    ]
    result = statistics.referred_share(rows)
    assert (result.total, result.hits, result.withheld) == (5, 3, False)
    assert result.share == 0.6


def test_referred_share_below_five_respondents_says_too_few():
    result = statistics.referred_share([("a", "1"), ("b", "1"), ("c", "0"), ("d", "6+")])
    assert result.total == 4
    assert result.hits is None
    assert result.share is None
    assert result.withheld is True


def test_referred_share_by_groups_counts_a_person_in_each_group():
    rows = [("noord", p, "1") for p in "abcde"] + [("zuid", "a", "0"), ("zuid", "b", "1")]
    result = statistics.referred_share_by(rows)
    assert result["noord"].share == 1.0
    assert result["zuid"].withheld is True
    assert result["zuid"].total == 2


def test_knows_whom_share_skips_unanswered():
    result = statistics.knows_whom_share([True, True, False, None, True, False, True])
    assert (result.total, result.hits) == (6, 4)
    assert result.share == 4 / 6


def test_knowledge_gain_compares_complete_pairs_only():
    pairs = [(2, 4), (1, 3), (3, 4), (2, 5), (4, 4), (None, 5), (3, None)]
    gain = statistics.knowledge_gain(pairs)
    assert gain.pairs == 5
    assert gain.before == 12 / 5  # 2,4
    assert gain.after == 20 / 5  # 4,0
    assert gain.gain == 20 / 5 - 12 / 5
    assert gain.withheld is False


def test_knowledge_gain_below_five_pairs_is_withheld():
    gain = statistics.knowledge_gain([(1, 5), (2, 5), (3, 5), (4, 5)])
    assert (gain.pairs, gain.before, gain.after, gain.gain, gain.withheld) == (
        4,
        None,
        None,
        None,
        True,
    )


def test_shift_months_crosses_years():
    assert statistics.shift_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert statistics.shift_months(dt.date(2025, 11, 1), 3) == dt.date(2026, 2, 1)
    assert statistics.month_start(dt.date(2026, 5, 17)) == dt.date(2026, 5, 1)


def test_signal_window_leaves_out_the_tour_month_and_months_outside_the_window():
    counts = {
        dt.date(2025, 9, 1): (99, None),  # 7 months before: outside
        dt.date(2025, 10, 1): (2, None),
        dt.date(2026, 1, 1): (3, 0),
        dt.date(2026, 3, 1): (4, 1),
        dt.date(2026, 4, 1): (50, 9),  # the tour month: neither side
        dt.date(2026, 5, 1): (6, 2),
        dt.date(2026, 10, 1): (8, 3),
        dt.date(2026, 11, 1): (77, 7),  # 7 months after: outside
    }
    window = statistics.signal_window(counts, event=dt.date(2026, 4, 14), months=6)
    assert (window.before_months, window.before_total) == (3, 9)
    assert (window.after_months, window.after_total) == (2, 14)
    assert window.before_mean == 3.0
    assert window.after_mean == 7.0
    assert (window.before_tour_participant, window.after_tour_participant) == (1, 5)


def test_signal_window_without_records_on_one_side_has_no_mean():
    window = statistics.signal_window({dt.date(2026, 5, 1): (0, None)}, event=dt.date(2026, 4, 1))
    assert window.before_months == 0
    assert window.before_mean is None
    assert window.after_mean == 0.0


def test_response_rate_is_the_ratings_one():
    assert statistics.response_rate(responses=3, invited=4) == 0.75
    assert statistics.response_rate(responses=0, invited=0) is None
