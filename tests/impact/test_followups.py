import datetime as dt
import re
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from activities.models import Registration
from impact import services
from impact.models import FollowUp, ImpactSettings
from ops.jobs import run_job
from tests.factories import (
    KnowledgeSessionFactory,
    RegistrationFactory,
    ThemeFactory,
    past_datetime,
    past_tour_with_stops,
)

LINK = re.compile(r"https?://\S+/impact/followup/([\w-]+)/")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def in_thread(work) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            for alias_connection in connections.all(initialized_only=True):
                BaseDatabaseWrapper.close(alias_connection)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_first_wave_goes_to_attendees_four_weeks_after(smtp_server):
    tour = past_tour_with_stops(days_ago=29, title="Wijktour Oost")
    people = [
        RegistrationFactory(activity=tour, status=status)
        for status in ("attended", "attended", "no_show", "cancelled")
    ]

    result = services.send_followup_surveys()

    assert result == {"created": 2, "sent": 2, "reminders": 0}
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        [people[0].email, people[1].email]
    )
    assert FollowUp.objects.filter(wave=1).count() == 2


@pytest.mark.django_db(transaction=True)
def test_nothing_goes_out_before_the_wave_is_due(smtp_server):
    tour = past_tour_with_stops(days_ago=20)
    RegistrationFactory(activity=tour, status="attended")

    assert services.send_followup_surveys() == {"created": 0, "sent": 0, "reminders": 0}
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_second_wave_three_months_after(smtp_server):
    tour = past_tour_with_stops(days_ago=92)
    RegistrationFactory(activity=tour, status="attended")

    result = services.send_followup_surveys()

    # The first wave's window (28 days + 21 link days) has long passed: only wave 2.
    assert result["created"] == 1
    assert list(FollowUp.objects.values_list("wave", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_workspace_settings_move_the_waves(smtp_server):
    tour = past_tour_with_stops(days_ago=15)
    ImpactSettings.objects.create(
        workspace=tour.workspace, first_wave_days=14, second_wave_days=None
    )
    RegistrationFactory(activity=tour, status="attended")

    assert services.send_followup_surveys()["sent"] == 1


@pytest.mark.django_db(transaction=True)
def test_mail_is_in_the_attendees_language_with_a_working_link(smtp_server, client, settings):
    settings.SITE_URL = "http://testserver"
    tour = past_tour_with_stops(days_ago=29, title="Wijktour Oost")
    dutch = RegistrationFactory(activity=tour, status="attended")
    english = RegistrationFactory(activity=tour, status="attended", language="en")

    services.send_followup_surveys()

    by_address = {m["To"]: m for m in smtp_server.messages}
    assert by_address[dutch.email]["Subject"] == (
        "Sinds Wijktour Oost: heb je iemand verwezen? (1 minuut)"
    )
    assert by_address[english.email]["Subject"] == (
        "Since Wijktour Oost: did you refer anyone? (1 minute)"
    )
    token = LINK.search(text_of(by_address[dutch.email])).group(1)
    assert len(token) >= 43
    followup = FollowUp.objects.get(registration=dutch)
    assert token not in followup.token_hash
    assert client.get(f"/impact/followup/{token}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_kenniscafe_asks_about_its_themes(smtp_server):
    starts = past_datetime(29)
    session = KnowledgeSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    session.themes.set([ThemeFactory(name="Eenzaamheid")])
    RegistrationFactory(activity=session, status="confirmed")

    services.send_followup_surveys()

    assert "- Eenzaamheid" in text_of(smtp_server.messages[0])


@pytest.mark.django_db(transaction=True)
def test_one_reminder_for_non_respondents_only(smtp_server):
    tour = past_tour_with_stops(days_ago=29)
    quiet, answered = (RegistrationFactory(activity=tour, status="attended") for _ in range(2))
    services.send_followup_surveys()
    FollowUp.objects.filter(registration=answered).update(answered_at=timezone.now())
    smtp_server.clear()
    later = timezone.now() + dt.timedelta(days=8)

    first = services.send_followup_surveys(now=later)
    second = services.send_followup_surveys(now=later + dt.timedelta(days=3))

    assert first["reminders"] == 1
    assert second["reminders"] == 0
    assert [m["To"] for m in smtp_server.messages] == [quiet.email]
    assert smtp_server.messages[0]["Subject"].startswith("Herinnering:")


@pytest.mark.django_db(transaction=True)
def test_reminder_link_and_first_link_both_work(smtp_server, client):
    tour = past_tour_with_stops(days_ago=29)
    RegistrationFactory(activity=tour, status="attended")
    services.send_followup_surveys()
    services.send_followup_surveys(now=timezone.now() + dt.timedelta(days=8))

    first, reminder = (LINK.search(text_of(m)).group(1) for m in smtp_server.messages)

    assert first != reminder
    assert client.get(f"/impact/followup/{first}/").status_code == 200
    assert client.get(f"/impact/followup/{reminder}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_job_run_twice_at_once_sends_each_survey_once(smtp_server):
    tour = past_tour_with_stops(days_ago=29)
    people = [RegistrationFactory(activity=tour, status="attended") for _ in range(6)]
    start = threading.Barrier(2)
    results = []

    def work() -> None:
        start.wait()
        if connection.vendor == "postgresql":
            # The service itself, without the job lock: the claim alone must hold.
            results.append(services.send_followup_surveys())
        else:
            # SQLite's in-memory test database locks whole tables: go through the job lock.
            results.append(run_job(name="send_followup_surveys"))

    threads = [in_thread(work) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)
    assert FollowUp.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_periodic_job_run_twice_sends_nothing_the_second_time(smtp_server):
    tour = past_tour_with_stops(days_ago=29)
    RegistrationFactory(activity=tour, status="attended")

    first = run_job(name="send_followup_surveys")
    second = run_job(name="send_followup_surveys")

    assert first.output.startswith("Follow-up surveys created: 1; sent: 1; reminders sent: 0")
    assert second.output.startswith("Follow-up surveys created: 0; sent: 0; reminders sent: 0")
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_failed_mail_is_sent_again_on_the_next_run(smtp_server, settings):
    tour = past_tour_with_stops(days_ago=29)
    RegistrationFactory(activity=tour, status="attended")
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    settings.MAILERS["default"]["OPTIONS"]["port"] = 9  # nothing listens there

    services.send_followup_surveys()
    assert FollowUp.objects.get().sent_at is None

    settings.MAILERS["default"]["OPTIONS"]["port"] = port
    services.send_followup_surveys()
    assert FollowUp.objects.get().sent_at is not None
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_command_reports_counts():
    out = StringIO()

    call_command("send_followup_surveys", stdout=out)

    assert out.getvalue().strip() == (
        "Follow-up surveys created: 0; sent: 0; reminders sent: 0; partner counting links sent: 0."
    )


@pytest.mark.django_db
def test_anonymised_registrations_get_no_survey():
    tour = past_tour_with_stops(days_ago=29)
    RegistrationFactory(activity=tour, status="attended", anonymised_at=timezone.now())

    assert services.create_due_followups() == 0
    assert Registration.objects.count() == 1
