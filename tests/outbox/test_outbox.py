import datetime as dt
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Registration
from activities.tasks import send_registration_mail
from outbox import services
from outbox.models import OutgoingMail
from tests.factories import CoordinatorFactory, KnowledgeSessionFactory, WorkspaceFactory

FORM = {
    "name": "Jan de Boer",
    "email": "jan@huisarts.example.org",
    "organisation": "Huisartsenpraktijk Dapper",
    "profession": "huisarts",
    "consent": "on",
}


def dead_smtp(settings) -> None:
    """Point the mailer at a port nothing listens on: the SMTP server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2},
        }
    }


@pytest.mark.django_db
def test_smtp_down_registration_succeeds_and_mail_is_retried_once_back(
    client, settings, smtp_server, django_capture_on_commit_callbacks
):
    working = settings.MAILERS
    dead_smtp(settings)
    session = KnowledgeSessionFactory(title="Kenniscafé Armoede")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:register", args=[session.pk]), FORM)
    mail = OutgoingMail.objects.get()
    first_try = (mail.status, mail.attempts, mail.last_error.split(":")[0])
    settings.MAILERS = working
    queued = services.retry_due_mails(now=timezone.now() + dt.timedelta(seconds=31))
    mail.refresh_from_db()
    again = services.retry_due_mails(now=timezone.now() + dt.timedelta(hours=2))

    assert response.status_code == 200
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert first_try == (OutgoingMail.Status.RETRYING, 1, "ConnectionRefusedError")
    assert (queued, again) == (1, 0)
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.SENT, 2)
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Aanmelding bevestigd: Kenniscafé Armoede"
    ]


@pytest.mark.django_db
def test_mail_task_run_twice_with_same_key_sends_once(smtp_server):
    session = KnowledgeSessionFactory()
    registration = Registration.objects.create(
        activity=session,
        name="An",
        email="an@example.org",
        profession="huisarts",
        domain="zorg",
        status=Registration.Status.CONFIRMED,
    )

    outcomes = [
        send_registration_mail.call(
            registration_id=registration.pk, kind="confirmation", key="registration:x:1"
        )
        for _ in range(2)
    ]

    assert outcomes == ["sent", "duplicate"]
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Message-ID"] == services.message_id(key="registration:x:1")


@pytest.mark.django_db
def test_retry_gives_up_after_attempts_and_stays_visible(
    client, settings, django_capture_on_commit_callbacks
):
    dead_smtp(settings)
    settings.MAIL_RETRY_ATTEMPTS = 2
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    session = KnowledgeSessionFactory(workspace=workspace)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:register", args=[session.pk]), FORM)
    services.retry_due_mails(now=timezone.now() + dt.timedelta(minutes=5))

    client.force_login(coordinator)
    page = client.get(reverse("activities:attendees", args=[session.pk]))

    body = page.content.decode()
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.FAILED
    assert "1 mail niet bezorgd" in body
    assert "jan@huisarts.example.org" in body
    assert "Niet bezorgd, opgegeven" in body
    assert "2 pogingen" in body


@pytest.mark.django_db
def test_attendee_page_shows_nothing_when_all_mail_delivered(
    client, smtp_server, django_capture_on_commit_callbacks
):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    session = KnowledgeSessionFactory(workspace=workspace)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:register", args=[session.pk]), FORM)

    client.force_login(coordinator)
    page = client.get(reverse("activities:attendees", args=[session.pk]))

    assert "niet bezorgd" not in page.content.decode()
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_backoff_doubles_and_is_capped(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 30

    assert [services.backoff_seconds(attempt=n) for n in (1, 2, 3, 4, 8, 20)] == [
        30,
        60,
        120,
        240,
        3600,
        3600,
    ]


@pytest.mark.django_db
def test_prune_forgets_settled_mails_after_keep_days(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    for key, status in (("old-sent", "sent"), ("old-failed", "failed"), ("old-retry", "retrying")):
        OutgoingMail.objects.create(key=key, topic="t", recipient="a@example.org", status=status)
    OutgoingMail.objects.create(key="new-sent", topic="t", recipient="b@example.org", status="sent")
    OutgoingMail.objects.exclude(key="new-sent").update(
        created_at=timezone.now() - dt.timedelta(days=31)
    )

    deleted = services.prune_mails()

    assert deleted == 2
    assert sorted(OutgoingMail.objects.values_list("key", flat=True)) == ["new-sent", "old-retry"]
