import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from activities.models import Registration
from ops.jobs import job_lock, run_job
from tests.factories import KnowledgeSessionFactory, RegistrationFactory


def soon_session_with_registrant() -> Registration:
    # Tomorrow: inside REGISTRATION_REMINDER_DAYS (2), so a reminder is due.
    starts = timezone.now() + dt.timedelta(days=1)
    session = KnowledgeSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    return RegistrationFactory(activity=session, email="an@praktijk.example.org")


def in_thread(work) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            # Django leaves in-memory SQLite connections open on close(); close this
            # thread's for real (the test database lives on in the main thread's).
            for alias_connection in connections.all(initialized_only=True):
                BaseDatabaseWrapper.close(alias_connection)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_reminder_job_run_twice_at_once_sends_one_mail(smtp_server):
    registration = soon_session_with_registrant()
    start = threading.Barrier(2)
    runs = []

    def work() -> None:
        start.wait()
        runs.append(run_job(name="send_reminders"))

    threads = [in_thread(work) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)

    registration.refresh_from_db()
    assert len(runs) == 2
    assert [message["To"] for message in smtp_server.messages] == ["an@praktijk.example.org"]
    assert registration.reminder_sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_job_skipped_while_another_machine_holds_its_lock(smtp_server):
    soon_session_with_registrant()
    outcome = []

    with job_lock("send_reminders") as acquired:
        # Another connection (another machine, as far as the database can tell).
        in_thread(lambda: outcome.append(run_job(name="send_reminders"))).join(timeout=60)
    after = run_job(name="send_reminders")

    assert acquired is True
    assert [(run.ran, run.output) for run in outcome] == [
        (False, "already running elsewhere; skipped")
    ]
    assert (after.ran, after.output) == (True, "1 reminder(s) queued.")
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_run_periodic_jobs_runs_every_job():
    out = StringIO()

    call_command("run_periodic_jobs", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "heartbeat",
        "send_reminders",
        "send_rating_invitations",
        "import_partner_feeds",
        "send_followup_surveys",
        "retry_mail",
        "requeue_abandoned_tasks",
        "issue_certificates",
        "send_partner_reviews",
    ]
    assert lines[1] == "send_reminders: 0 reminder(s) queued."


@pytest.mark.django_db
def test_run_periodic_jobs_one_job_by_name():
    out = StringIO()

    call_command("run_periodic_jobs", "--job", "heartbeat", stdout=out)

    assert out.getvalue().startswith("heartbeat: heartbeat queued (")
