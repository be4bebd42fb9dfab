import io

import pytest

from activities.models import Registration
from core.models import Workspace
from ratings import demo
from ratings.models import Rating, StopRating
from tests.factories import (
    KnowledgeSessionFactory,
    PastTourFactory,
    RegistrationFactory,
    StopFactory,
    WorkspaceFactory,
    past_datetime,
)


@pytest.mark.django_db
def test_demo_without_past_activities_skips():
    out = io.StringIO()

    demo.seed(stdout=out)

    assert out.getvalue() == "Ratings: no past activities in the demo data yet; skipped."
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_demo_rates_a_year_of_tours_about_8_4_deterministically_and_idempotently():
    workspace = WorkspaceFactory(slug="ros-amsterdam")
    for number in range(11):
        tour = PastTourFactory(
            workspace=workspace,
            title=f"Demo tour {number}",
            starts_at=past_datetime(20 + 30 * number),
        )
        for position in (1, 2, 3):
            StopFactory(tour=tour, position=position)
        for index in range(17):
            RegistrationFactory(
                activity=tour,
                email=f"p{number}-{index}@example.org",
                status=Registration.Status.ATTENDED if index < 16 else "no_show",
            )
    session = KnowledgeSessionFactory(workspace=workspace, starts_at=past_datetime(15))
    for index in range(12):
        RegistrationFactory(activity=session, email=f"cafe{index}@example.org")

    demo.seed(stdout=io.StringIO())
    first = sorted(Rating.objects.values_list("registration__email", "grade"))
    first_stops = StopRating.objects.count()
    demo.seed(stdout=io.StringIO())

    assert sorted(Rating.objects.values_list("registration__email", "grade")) == first
    assert StopRating.objects.count() == first_stops
    tour_grades = [g for e, g in first if not e.startswith("cafe")]
    assert 8.2 <= sum(tour_grades) / len(tour_grades) <= 8.6
    assert set(tour_grades) <= {6, 7, 8, 9, 10}
    assert 6 in tour_grades
    assert any(e.startswith("cafe") for e, _g in first)
    assert not Rating.objects.filter(registration__status="no_show").exists()
    assert Rating.objects.filter(consent_to_share=True).exclude(comment="").exists()
    assert Workspace.objects.count() == 1
