import datetime as dt
import io

import pytest
from django.utils import timezone

from activities import demo as activities_demo
from activities.models import Activity, Registration
from core.models import Workspace
from home import demo as home_demo
from sessions import demo as sessions_demo
from tests.factories import TourFactory


@pytest.mark.django_db
def test_demo_registrations_187_professionals_over_11_past_tours_idempotent():
    home_demo.seed(stdout=io.StringIO())
    workspace = Workspace.objects.get(slug="ros-amsterdam")
    for month in range(11):
        TourFactory(
            workspace=workspace,
            starts_at=timezone.now() - dt.timedelta(days=30 * (month + 1)),
        )
    TourFactory(workspace=workspace, capacity=20)

    for _ in range(2):
        sessions_demo.seed(stdout=io.StringIO())
        activities_demo.seed(stdout=io.StringIO())

    past_tours = Registration.objects.filter(
        activity__kind="tour", activity__starts_at__lt=timezone.now()
    )
    attended = past_tours.filter(status__in=["attended", "no_show"])
    assert attended.values("email").distinct().count() == 187
    assert past_tours.filter(status="cancelled").count() == 11
    for activity in Activity.objects.all():
        seated = activity.registrations.filter(
            status__in=["confirmed", "attended", "no_show"]
        ).count()
        assert seated <= activity.capacity
    assert Registration.objects.filter(status="waitlisted").count() == 4
    assert Activity.objects.filter(kind="session").count() == 12
