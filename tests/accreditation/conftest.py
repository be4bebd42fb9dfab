import datetime as dt

import pytest
from django.utils import timezone

from accreditation.models import Accreditation
from tests.factories import (
    AccreditationFactory,
    CoordinatorFactory,
    KnowledgeSessionFactory,
    WorkspaceFactory,
)


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="ROS Amsterdam", slug="ros-amsterdam")


@pytest.fixture
def coordinator(workspace):
    return CoordinatorFactory(workspace=workspace)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def session(workspace):
    """A kenniscafé accredited by BIG (GAIA) and Registerplein."""
    session = KnowledgeSessionFactory(workspace=workspace, title="Kenniscafé Geldzorgen")
    AccreditationFactory(activity=session, registry="big", accreditation_id="468812", points=2)
    AccreditationFactory(
        activity=session,
        registry="registerplein",
        accreditation_id="PE-301177",
        points=2,
        status=Accreditation.Status.REQUESTED,
    )
    return session


@pytest.fixture
def past_session(workspace):
    """Took place yesterday 16:00–18:00 local time, BIG 2 points, a 15-minute break at 17:00."""
    from accreditation.models import Break

    day = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0)))
    session = KnowledgeSessionFactory(
        workspace=workspace,
        title="Kenniscafé Dementie",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    AccreditationFactory(activity=session, registry="big", accreditation_id="455120", points=2)
    Break.objects.create(
        activity=session,
        starts_at=start + dt.timedelta(hours=1),
        ends_at=start + dt.timedelta(hours=1, minutes=15),
    )
    return session
