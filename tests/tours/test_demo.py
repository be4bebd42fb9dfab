import datetime as dt
import io

import pytest

from activities.models import Activity
from tests.factories import (
    NeighbourhoodFactory,
    PartnerFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)
from tours import demo
from tours.models import Tour

pytestmark = pytest.mark.django_db


def test_demo_skips_without_partners():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert Tour.objects.count() == 0
    assert "skipped" in out.getvalue()


def test_demo_composes_published_tours_idempotently():
    workspace = WorkspaceFactory(slug="ros-amsterdam")
    neighbourhood = NeighbourhoodFactory(
        workspace=workspace, slug="indische-buurt", name="Indische Buurt"
    )
    for i in range(6):
        partner = PartnerFactory(
            workspace=workspace,
            neighbourhoods=[neighbourhood],
            latitude=52.3610 + i * 0.0008,
            longitude=4.9350 + (i % 3) * 0.002,
            domain=["welzijn", "medisch", "sociaal"][i % 3],
        )
        for weekday in range(5):
            VisitingWindowFactory(
                partner=partner, weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(17)
            )
    demo.seed(stdout=io.StringIO())
    tours = list(Tour.objects.order_by("starts_at"))
    past = [t for t in tours if t.starts_at.date() <= dt.date(2026, 7, 7)]
    assert len(past) == 6
    assert len(tours) == 8
    assert {t.status for t in tours} == {Activity.Status.PUBLISHED}
    assert all(t.stops.count() >= 4 and t.route_problems == [] for t in tours)
    assert all(t.stops.filter(arrives_at__isnull=True).count() == 0 for t in tours)
    demo.seed(stdout=io.StringIO())
    assert Tour.objects.count() == 8
