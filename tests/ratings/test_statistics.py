import datetime as dt

from ratings import statistics


def test_mean_of_hand_computed_grades():
    assert statistics.mean([7, 8, 9, 10, 8]) == 42 / 5


def test_mean_empty_is_none():
    assert statistics.mean([]) is None


def test_median_odd_count_is_middle_grade():
    assert statistics.median([9, 6, 8]) == 8.0


def test_median_even_count_is_mean_of_middle_two():
    assert statistics.median([6, 7, 8, 10]) == 7.5


def test_median_single_and_empty():
    assert statistics.median([7]) == 7.0
    assert statistics.median([]) is None


def test_distribution_counts_every_grade_including_zeros():
    assert statistics.distribution([8, 8, 10, 1]) == {
        1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 2, 9: 0, 10: 1,
    }  # fmt: skip


def test_distribution_empty_is_all_zeros():
    assert statistics.distribution([]) == dict.fromkeys(range(1, 11), 0)


def test_response_rate_hand_computed():
    assert statistics.response_rate(responses=3, invited=4) == 0.75


def test_response_rate_nobody_invited_is_none():
    assert statistics.response_rate(responses=0, invited=0) is None


def test_response_rate_never_above_one():
    assert statistics.response_rate(responses=5, invited=4) == 1.0


def test_summarise_below_threshold_withholds_numbers():
    summary = statistics.summarise([9, 9, 9, 9])

    assert summary == statistics.GradeSummary(4, None, None, None, withheld=True)


def test_summarise_at_threshold_shows_numbers():
    summary = statistics.summarise([7, 8, 8, 9, 10])

    assert summary.withheld is False
    assert summary.count == 5
    assert summary.mean == 8.4
    assert summary.median == 8.0
    assert summary.distribution[8] == 2


def test_summarise_single_rating_is_withheld():
    assert statistics.summarise([10]).withheld is True


def test_summarise_empty_is_withheld_with_zero_count():
    summary = statistics.summarise([])

    assert (summary.count, summary.mean, summary.withheld) == (0, None, True)


def test_summarise_single_rating_shown_when_threshold_is_one():
    summary = statistics.summarise([6], threshold=1)

    assert (summary.mean, summary.median) == (6.0, 6.0)


def test_refer_shares_hand_computed():
    assert statistics.refer_shares(["yes", "yes", "maybe", "no", ""]) == {
        "yes": 0.5,
        "maybe": 0.25,
        "no": 0.25,
    }


def test_refer_shares_no_answers_is_none():
    assert statistics.refer_shares(["", ""]) is None


def test_monthly_trend_groups_by_month_oldest_first():
    rows = [(dt.date(2025, 3, 4), g) for g in (8, 9, 7, 8, 8)] + [(dt.date(2025, 1, 9), 6)]

    trend = statistics.monthly_trend(rows)

    assert [month for month, _summary in trend] == ["2025-01", "2025-03"]
    assert trend[0][1].withheld is True
    assert trend[1][1].mean == 8.0


def test_partner_figures_withholds_small_partners():
    rows = [("a", 8, "yes", 4), ("b", 9, "yes", 2), ("b", 9, "yes", 1), ("b", 7, "no", 2)]

    figures = statistics.partner_figures(rows)

    assert figures["a"].grades.withheld is True
    assert figures["a"].refer is None
    assert figures["b"].grades.mean == (9 * 3 + 7 * 2) / 5
    assert figures["b"].refer == {"yes": 0.6, "maybe": 0.0, "no": 0.4}


def test_activity_counts_attendees_fall_back_to_confirmed_without_attendance():
    rows = [(1, "confirmed", 10), (1, "cancelled", 2), (2, "attended", 7), (2, "no_show", 1),
            (2, "confirmed", 1), (3, "waitlisted", 4)]  # fmt: skip

    counts = statistics.activity_counts(rows)

    assert (counts[1].registrations, counts[1].attendees) == (10, 10)
    assert (counts[2].registrations, counts[2].attendees) == (9, 7)
    assert (counts[3].registrations, counts[3].attendees) == (0, 0)
