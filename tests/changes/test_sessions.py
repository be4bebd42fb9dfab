"""A kenniscafé goes through the same change workflow as a tour."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from changes.models import ActivityChange
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    RegistrationFactory,
)
from tests.sessions.test_pages import form_data

pytestmark = pytest.mark.django_db


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def test_moving_a_published_session_asks_then_mails_the_diff_once(
    client, smtp_server, django_capture_on_commit_callbacks
):
    user = CoordinatorFactory()
    workspace = user.memberships.get().workspace
    client.force_login(user)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=14)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    session = KnowledgeSessionFactory(
        workspace=workspace,
        title="Kenniscafé Mantelzorg",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue_name="Buurthuis",
        venue_address="Dapperstraat 1, Amsterdam",
    )
    RegistrationFactory(activity=session, email="a@example.org")
    later = start + dt.timedelta(hours=1)
    data = form_data(
        workspace,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    url = reverse("knowledge_sessions:manage_edit", args=[session.pk])

    asked = client.post(url, data)
    assert asked.templates[0].name == "changes/confirm_change.html"
    assert "Start: 15:00 → 16:00" in asked.content.decode()
    assert smtp_server.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "confirm": "1"})
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Gewijzigd: Kenniscafé Mantelzorg"
    assert "Start: 15:00 → 16:00" in text_of(mail)
    assert ActivityChange.objects.get().activity_id == session.pk


def test_series_change_asks_once_and_tells_each_dates_registrants(
    client, smtp_server, django_capture_on_commit_callbacks
):
    from activities.models import Activity
    from sessions import services as session_services
    from tests.sessions.test_services import session_data

    user = CoordinatorFactory()
    workspace = user.memberships.get().workspace
    client.force_login(user)
    first = timezone.localtime(timezone.now() + dt.timedelta(days=14)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    series = session_services.create_series(
        workspace=workspace, data=session_data(first), frequency="weekly", count=2
    )
    one, two = series.sessions.order_by("starts_at")
    Activity.objects.filter(pk__in=[one.pk, two.pk]).update(status=Activity.Status.PUBLISHED)
    RegistrationFactory(activity=one, email="een@example.org")
    RegistrationFactory(activity=two, email="twee@example.org")
    later = first + dt.timedelta(hours=1)
    data = form_data(
        workspace,
        title="Kenniscafé Eenzaamheid",
        venue_name="Bibliotheek Oost",
        venue_address="Linnaeusstraat 44, Amsterdam",
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        scope="future",
    )
    url = reverse("knowledge_sessions:manage_edit", args=[one.pk])

    asked = client.post(url, data)
    assert "Deze wijziging geldt voor 2 data van de reeks" in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "confirm": "1"})
    mails = {m["To"]: text_of(m) for m in smtp_server.messages}
    assert sorted(mails) == ["een@example.org", "twee@example.org"]
    assert all("Start: 15:00 → 16:00" in body for body in mails.values())
    assert ActivityChange.objects.count() == 2
