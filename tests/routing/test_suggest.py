import numpy as np

from routing.geo import Point
from routing.providers import TravelMatrix
from routing.suggest import Candidate, suggest_stops

HERE = Point(52.36, 4.92)
NINE = 9 * 3600


def uniform_matrix(size: int, seconds: int = 600) -> TravelMatrix:
    durations = np.full((size, size), float(seconds))
    np.fill_diagonal(durations, 0.0)
    return TravelMatrix(durations=durations, distances=durations * 4.0)


def candidate(key, themes, domain, windows=()):
    return Candidate(
        key=key,
        point=HERE,
        visit_seconds=1800,
        windows=windows,
        themes=frozenset(themes),
        domain=domain,
        name=key.title(),
    )


CANDIDATES = [
    candidate("huisarts", {"ouderen", "eenzaamheid"}, "zorg"),
    candidate("thuiszorg", {"ouderen"}, "zorg"),
    candidate("buurthuis", {"eenzaamheid", "armoede"}, "welzijn"),
    candidate("schuldhulp", {"armoede", "schulden"}, "sociaal domein"),
    candidate("bibliotheek", {"taal"}, "cultuur"),
    candidate("sportclub", {"bewegen"}, "sport"),
]


def test_suggest_stops_covers_all_wanted_themes_with_diverse_domains():
    suggestion = suggest_stops(
        candidates=CANDIDATES,
        wanted_themes={"ouderen", "armoede", "schulden", "taal"},
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        budget_seconds=5 * 3600,
        min_stops=3,
        max_stops=4,
        matrix=uniform_matrix(len(CANDIDATES) + 2),
    )
    assert suggestion.uncovered == []
    assert suggestion.covered_themes == {"ouderen", "armoede", "schulden", "taal"}
    # Three stops cover the themes; the fourth slot goes to a partner from a new domain.
    assert sorted(suggestion.keys) == ["bibliotheek", "buurthuis", "huisarts", "schuldhulp"]
    assert suggestion.domains == {"cultuur", "sociaal domein", "welzijn", "zorg"}
    assert suggestion.plan.feasible is True
    assert suggestion.plan.end_seconds <= NINE + 5 * 3600
    assert suggestion.enough_stops is True


def test_suggest_stops_adds_new_domains_up_to_min_stops():
    suggestion = suggest_stops(
        candidates=CANDIDATES,
        wanted_themes={"ouderen"},
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        budget_seconds=6 * 3600,
        min_stops=4,
        max_stops=4,
        matrix=uniform_matrix(len(CANDIDATES) + 2),
    )
    chosen = {c.key: c for c in CANDIDATES if c.key in suggestion.keys}
    assert len(chosen) == 4
    assert len({c.domain for c in chosen.values()}) == 4
    assert "ouderen" in suggestion.covered_themes


def test_suggest_stops_reports_theme_nobody_offers_and_theme_that_does_not_fit():
    candidates = [
        *CANDIDATES[:4],
        # The only partner about language is open before the tour starts.
        candidate("taalhuis", {"taal"}, "educatie", windows=((7 * 3600, 8 * 3600),)),
    ]
    suggestion = suggest_stops(
        candidates=candidates,
        wanted_themes={"ouderen", "taal", "klimaat"},
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        budget_seconds=4 * 3600,
        min_stops=1,
        max_stops=3,
        matrix=uniform_matrix(len(candidates) + 2),
    )
    assert [(u.theme, u.reason_code) for u in suggestion.uncovered] == [
        ("klimaat", "no_candidate"),
        ("taal", "does_not_fit"),
    ]
    assert suggestion.uncovered[1].message == (
        "the partners offering 'taal' (Taalhuis) do not fit the opening hours and time budget "
        "together with the other stops"
    )
    assert "taalhuis" not in suggestion.keys
    assert suggestion.plan.feasible is True


def test_suggest_stops_respects_budget():
    # 600 s legs and 1800 s visits: three stops need 4 * 600 + 3 * 1800 = 7800 s.
    suggestion = suggest_stops(
        candidates=CANDIDATES,
        wanted_themes={"ouderen", "armoede", "taal", "bewegen"},
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        budget_seconds=7800,
        min_stops=2,
        max_stops=6,
        matrix=uniform_matrix(len(CANDIDATES) + 2),
    )
    assert len(suggestion.keys) == 3
    assert suggestion.plan.end_seconds == NINE + 7800
    assert len(suggestion.uncovered) == 1
