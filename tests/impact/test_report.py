import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from impact.models import Baseline, BaselineAnswer, FollowUpAnswer
from impact.report import ImpactFilter, collect_report
from tests.factories import (
    CoordinatorFactory,
    FollowUpFactory,
    LinkRatingFactory,
    PartnerSignalFactory,
    RegistrationFactory,
    WorkspaceFactory,
    past_tour_with_stops,
)


def answered_tour(workspace, *, answers: list[str], days_ago: int = 40, knowledge=None):
    """A held tour with two partners; attendee n answers `answers[n]` for the first partner
    and "0" for the second."""
    tour = past_tour_with_stops(days_ago=days_ago, workspace=workspace, partners=2)
    first, second = tour.stops.order_by("position")
    for index, answer in enumerate(answers):
        registration = RegistrationFactory(activity=tour, status="attended")
        followup = FollowUpFactory(
            registration=registration, sent_at=timezone.now(), answered_at=timezone.now()
        )
        before, after = knowledge[index] if knowledge else (None, None)
        FollowUpAnswer.objects.create(
            followup=followup, partner=first.partner, referrals=answer, knowledge=after
        )
        FollowUpAnswer.objects.create(followup=followup, partner=second.partner, referrals="0")
        if before:
            baseline = Baseline.objects.create(
                registration=registration,
                activity=tour,
                token_hash=f"b{registration.pk:063x}",
                expires_at=timezone.now(),
                submitted_at=timezone.now(),
            )
            BaselineAnswer.objects.create(
                baseline=baseline, partner=first.partner, knowledge=before, referrals="0"
            )
    return tour


@pytest.mark.django_db
def test_report_exact_figures():
    workspace = WorkspaceFactory()
    tour = answered_tour(
        workspace,
        answers=["1", "0", "2-5", "6+", "0"],
        knowledge=[(2, 4), (1, 3), (3, 4), (2, 5), (4, 4)],
    )
    FollowUpFactory(
        registration=RegistrationFactory(activity=tour, status="attended"), sent_at=timezone.now()
    )  # invited, never answered
    for grade in (8, 9, 8, 7, 10):
        LinkRatingFactory(activity=tour, grade=grade)

    report = collect_report(scope=ImpactFilter(workspace_ids=(workspace.pk,)))

    assert (report.tours, report.activities) == (1, 1)
    assert report.attendees == 11  # 6 with a follow-up, 5 raters
    assert report.mean_grade_shown == 8.4
    assert (report.referred.total, report.referred.hits) == (5, 3)
    assert report.referred.share == 0.6
    (wave,) = report.waves
    assert (wave.invited, wave.responses) == (6, 5)
    assert wave.distribution.counts == {"0": 7, "1": 1, "2-5": 1, "6+": 1}
    assert report.knowledge.pairs == 5
    assert report.knowledge.before == 12 / 5
    assert report.knowledge.after == 4.0
    assert report.baseline.counts == {"0": 5, "1": 0, "2-5": 0, "6+": 0}
    by_partner = {group.label: group for group in report.by_partner}
    first, second = (s.partner.name for s in tour.stops.order_by("position"))
    assert by_partner[first].referred.share == 0.6
    assert by_partner[second].referred.share == 0.0


@pytest.mark.django_db
def test_report_withholds_groups_below_five():
    workspace = WorkspaceFactory()
    answered_tour(workspace, answers=["1", "1", "6+", "2-5"])

    report = collect_report(scope=ImpactFilter(workspace_ids=(workspace.pk,)))

    assert report.referred.withheld is True
    assert report.referred.share is None
    assert report.waves[0].distribution.counts is not None  # 8 answers over 4 people
    assert report.mean_grade_shown is None
    assert report.as_dict()["referred"] == {
        "total": 4,
        "hits": None,
        "share": None,
        "withheld": True,
    }


@pytest.mark.django_db
def test_report_partner_side_before_and_after_the_tour():
    workspace = WorkspaceFactory()
    tour = answered_tour(workspace, answers=["1"] * 5, days_ago=120)
    partner = tour.stops.order_by("position").first().partner
    month = timezone.localdate(tour.starts_at).replace(day=1)

    def shift(months: int) -> dt.date:
        index = month.year * 12 + month.month - 1 + months
        return dt.date(index // 12, index % 12 + 1, 1)

    for offset, count in ((-2, 2), (-1, 4), (0, 50), (1, 6), (2, 8)):
        PartnerSignalFactory(partner=partner, month=shift(offset), via_professional=count)

    report = collect_report(scope=ImpactFilter(workspace_ids=(workspace.pk,)))

    side = next(p for p in report.partners if p.pk == partner.pk)
    assert side.window.before_mean == 3.0
    assert side.window.after_mean == 7.0


def test_report_query_count_does_not_grow(django_assert_max_num_queries, db):
    workspace = WorkspaceFactory()
    answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0"])
    scope = ImpactFilter(workspace_ids=(workspace.pk,))
    with CaptureQueriesContext(connection) as small:
        collect_report(scope=scope)
    for _ in range(3):
        answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0", "1", "1"], days_ago=60)

    with CaptureQueriesContext(connection) as large:
        collect_report(scope=scope)

    assert len(large) == len(small)


@pytest.mark.django_db
def test_report_page_query_count_constant(client):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    client.force_login(coordinator)
    answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0"])
    with CaptureQueriesContext(connection) as small:
        assert client.get("/manage/impact/").status_code == 200
    for _ in range(3):
        answered_tour(workspace, answers=["1", "1", "1", "0", "0", "6+"], days_ago=70)

    with CaptureQueriesContext(connection) as large:
        response = client.get("/manage/impact/")

    assert response.status_code == 200
    assert len(large) == len(small)


@pytest.mark.django_db
def test_report_page_headline_and_too_few(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    tour = answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0"])
    for grade in (8, 9, 8, 7, 10):
        LinkRatingFactory(activity=tour, grade=grade)

    body = client.get("/manage/impact/").content.decode()

    assert "1 wijktour" in body
    assert "gemiddeld 8,4" in body
    assert "60 % verwees daarna naar een partner uit de tour" in body
    assert "te weinig antwoorden" in body  # e.g. the baseline row


@pytest.mark.django_db
def test_report_is_for_coordinators_only(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get("/manage/impact/").status_code == 403
    assert client.get("/api/impact/").status_code == 403


@pytest.mark.django_db
def test_api_impact_gives_the_same_figures(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0"])

    data = client.get("/api/impact/").json()

    assert data["referred"] == {"total": 5, "hits": 3, "share": 0.6, "withheld": False}
    assert data["waves"][0]["response_rate"] == 1.0


@pytest.mark.django_db
def test_api_impact_bad_filter_has_a_field_message(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.get("/api/impact/?date_from=2026-05-01&date_to=2026-01-01&partner=nope")

    assert response.status_code == 400
    assert "date_to" in response.json()


@pytest.mark.django_db
def test_csv_export_has_dutch_headers_and_decimal_commas(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    answered_tour(workspace, answers=["1", "0", "2-5", "0", "0", "0"])

    response = client.get("/manage/impact/export.csv")

    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("groep;naam;uitgenodigd;antwoorden;respons (%)")
    partner_rows = [line for line in lines if line.startswith("partner;")]
    # 2 of 6 referred to the first partner: 33,3 %.
    assert any(";6;33,3;" in line for line in partner_rows)


@pytest.mark.django_db
def test_annual_report_prints(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    answered_tour(workspace, answers=["1", "0", "2-5", "6+", "0"])

    response = client.get("/manage/impact/annual/?date_from=2025-01-01")

    assert response.status_code == 200
    assert "Jaarverslag impact" in response.content.decode()


@pytest.mark.django_db
def test_report_page_charts_partner_counts_with_a_table(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    tour = answered_tour(workspace, answers=["1"] * 5)
    partner = tour.stops.order_by("position").first().partner
    PartnerSignalFactory(partner=partner, month=dt.date(2026, 1, 1), via_professional=7)
    PartnerSignalFactory(
        partner=partner, month=dt.date(2026, 2, 1), via_professional=9, via_tour_participant=3
    )

    body = client.get("/manage/impact/").content.decode()

    assert 'id="chart-signals"' in body
    assert '<th scope="row">februari 2026</th><td>9</td><td>3</td>' in body
