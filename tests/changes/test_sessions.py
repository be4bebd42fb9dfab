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
