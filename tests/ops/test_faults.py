"""Faults survived, against real processes: our own PostgreSQL cluster, redis-server and SMTP
server behind `scripts/serve.py serve` (gunicorn 2x8, the task worker, the periodic jobs),
all started here on free ports; the machine's PostgreSQL and Redis are never touched.

One layout serves the whole module; each test breaks one part, watches, repairs it and checks
the layout recovered by itself. Each prints what it observed (docs/operations.md quotes it).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import pytest
import requests

from tests.ops import stack

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not stack.postgres_installed(), reason="PostgreSQL binaries missing"),
]

COORDINATOR = """
from django.contrib.auth import get_user_model
from core.models import Membership, Workspace
user = get_user_model().objects.create_user("fault-coordinator", password="fault-pass-12345")
Membership.objects.create(user=user, workspace=Workspace.objects.get(slug="rush"),
    role=Membership.Role.COORDINATOR)
"""


@pytest.fixture(scope="module")
def layout():
    with (
        stack.own_postgres() as postgres,
        stack.own_redis() as redis,
        stack.own_smtp() as smtp,
    ):
        database_url = postgres.create_database("wijktour_i13_faults")
        extra = {
            "REDIS_URL": redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
            "PUBLIC_CACHE_SECONDS": "300",
            # The PostgreSQL rush sends more than the per-activity ceiling in a few seconds.
            "REGISTRATION_ACTIVITY_RATE_LIMIT": "100000/600",
        }
        with stack.running_stack("serve", database_url=database_url, extra=extra) as app:
            activity = stack.create_session(app, capacity=1000, label="faults")
            app.shell(COORDINATOR)
            yield {
                "app": app,
                "postgres": postgres,
                "redis": redis,
                "smtp": smtp,
                "database_url": database_url,
                "activity": activity,
            }


def register_url(layout) -> str:
    return f"{layout['app'].url}/api/activities/{layout['activity']}/registrations/"


def signed_in(layout) -> requests.Session:
    session = requests.Session()
    login = f"{layout['app'].url}/accounts/login/"
    session.get(login, timeout=10)
    response = session.post(
        login,
        data={
            "username": "fault-coordinator",
            "password": "fault-pass-12345",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login},
        timeout=10,
    )
    assert response.status_code == 200, response.status_code
    return session


def check_in(layout, session: requests.Session, registration_id: int) -> int:
    url = f"{layout['app'].url}/manage/activities/{layout['activity']}/check-in/"
    response = session.post(
        url,
        data={
            "registration": registration_id,
            "present": "1",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": url},
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code


def registration_id(layout, email: str) -> int:
    rows = stack.sql(
        layout["database_url"], "SELECT id FROM activities_registration WHERE email = %s", (email,)
    )
    return rows[0][0]


def mails_to(layout, emails: set[str]) -> Counter:
    recipients = layout["smtp"].inbox.recipients()
    return Counter({email: recipients[email] for email in emails if recipients[email]})


def healthy(layout) -> bool:
    return stack.request(f"{layout['app'].url}/health/", timeout=5).status == 200


def test_redis_down_pages_feeds_registration_and_check_in_keep_answering(layout):
    app, redis = layout["app"], layout["redis"]
    session = signed_in(layout)
    before = stack.request(register_url(layout), payload=stack.registration(0, tag="redis-before"))
    seated = registration_id(layout, "redis-before0@example.org")
    for _ in range(2):  # the agenda is in the page cache now
        stack.request(f"{app.url}/", headers={"Accept": "text/html"})

    redis.stop()
    answers = []
    for n in range(20):
        answers.append(stack.request(f"{app.url}/", headers={"Accept": "text/html"}))
        answers.append(stack.request(f"{app.url}/feeds/activities.ics"))
        answers.append(
            stack.request(register_url(layout), payload=stack.registration(n, tag="redis-down"))
        )
    checked_in = check_in(layout, session, seated)
    health = stack.request(f"{app.url}/health/")
    redis.start()
    returned = time.monotonic()
    recovered = stack.wait_for(lambda: healthy(layout), seconds=60, every=0.2)
    recovery_seconds = time.monotonic() - returned

    statuses = Counter(answer.status for answer in answers)
    print(
        f"\nRedis down: {len(answers) + 2} requests answered, statuses {dict(statuses)}, "
        f"check-in {checked_in}, /health/ {health.status} {health.body.get('checks')}, "
        f"healthy again {recovery_seconds:.1f} s after Redis returned"
    )
    assert before.status == 201
    assert statuses == {200: 40, 201: 20}
    assert checked_in == 302
    assert stack.sql(
        layout["database_url"],
        "SELECT status FROM activities_registration WHERE id = %s",
        (seated,),
    ) == [("attended",)]
    assert health.status == 503
    assert health.body["checks"]["cache"].startswith("error")
    assert health.body["checks"]["database"] == "ok"
    log = app.log_text()
    assert "cache unavailable" in log
    assert "not counted (cache unavailable); allowing" in log
    assert recovered
    assert stack.request(f"{app.url}/", headers={"Accept": "text/html"}).status == 200


def test_postgres_restarted_mid_rush_answers_503_and_keeps_every_promise(layout):
    postgres = layout["postgres"]
    stop = threading.Event()
    answers: list[tuple[float, str, stack.Answer]] = []
    lock = threading.Lock()
    counter = iter(range(100000))

    def registrant() -> None:
        while not stop.is_set():
            with lock:
                n = next(counter)
            payload = stack.registration(n, tag="pg")
            answer = stack.request(
                register_url(layout), payload=payload, headers=stack.forwarded_for(n), timeout=30
            )
            with lock:
                answers.append((time.monotonic(), payload["email"], answer))

    threads = [threading.Thread(target=registrant) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    postgres.stop("fast")
    down_at = time.monotonic()
    time.sleep(3)
    postgres.start()
    up_at = time.monotonic()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()

    statuses = Counter(answer.status for _t, _e, answer in answers)
    in_gap = [answer for t, _e, answer in answers if down_at <= t <= up_at]
    first_ok_after = min(
        (t for t, _e, answer in answers if t > up_at and answer.status == 201), default=None
    )
    promised = {
        email: answer.body["status"] for _t, email, answer in answers if answer.status == 201
    }
    refused = {email for _t, email, answer in answers if answer.status == 503}
    rows = dict(
        stack.sql(
            layout["database_url"],
            "SELECT email, status FROM activities_registration WHERE email LIKE 'pg%%'",
        )
    )
    print(
        f"\nPostgreSQL restart: {len(answers)} requests answered, statuses {dict(statuses)}, "
        f"{len(in_gap)} during the 3 s gap, first 201 "
        f"{first_ok_after - up_at:.1f} s after PostgreSQL was back"
    )
    assert statuses[0] == 0
    assert set(statuses) <= {201, 503}
    assert statuses[503] >= 1
    assert all(a.headers.get("Retry-After") == "5" for _t, _e, a in answers if a.status == 503)
    assert all(set(a.body) == {"detail"} for _t, _e, a in answers if a.status == 503)
    assert first_ok_after is not None
    assert rows == promised
    assert refused.isdisjoint(rows)
    # The worker reconnects too: every promised registration gets its one mail.
    assert stack.wait_for(lambda: len(mails_to(layout, set(promised))) == len(promised), seconds=90)
    assert set(mails_to(layout, set(promised)).values()) == {1}


def test_smtp_down_registration_succeeds_and_mail_delivered_once_when_back(layout):
    smtp = layout["smtp"]
    smtp.stop()
    answers = [
        stack.request(register_url(layout), payload=stack.registration(n, tag="smtp"))
        for n in range(5)
    ]
    emails = {f"smtp{n}@example.org" for n in range(5)}

    def retrying() -> int:
        return stack.sql(
            layout["database_url"],
            "SELECT COUNT(*) FROM outbox_outgoingmail WHERE recipient LIKE 'smtp%%' "
            "AND status = 'retrying'",
        )[0][0]

    waited = stack.wait_for(lambda: retrying() == 5, seconds=30)
    smtp.start()
    back = time.monotonic()
    delivered = stack.wait_for(lambda: len(mails_to(layout, emails)) == 5, seconds=90)
    delivery_seconds = time.monotonic() - back
    time.sleep(3)  # a second copy would arrive by now

    attempts = stack.sql(
        layout["database_url"],
        "SELECT status, attempts FROM outbox_outgoingmail WHERE recipient LIKE 'smtp%%'",
    )
    print(
        f"\nSMTP down: {len(answers)} registrations answered "
        f"{dict(Counter(a.status for a in answers))}, mails retried with back-off "
        f"(attempts {sorted(n for _s, n in attempts)}), all delivered "
        f"{delivery_seconds:.1f} s after the server returned"
    )
    assert [answer.status for answer in answers] == [201] * 5
    assert waited
    assert delivered
    assert set(mails_to(layout, emails).values()) == {1}
    assert {status for status, _n in attempts} == {"sent"}
    assert min(n for _s, n in attempts) >= 2


def test_worker_killed_mid_task_mail_sent_once(layout):
    app, smtp = layout["app"], layout["smtp"]
    # The SMTP server holds the conversation, so the worker is killed mid-task, before the
    # server accepted the mail.
    smtp.inbox.slow_rcpt = 8
    answer = stack.request(register_url(layout), payload=stack.registration(0, tag="killed"))

    def running() -> int:
        return stack.sql(
            layout["database_url"],
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
            "AND task_path LIKE %s",
            ("%send_registration_mail",),
        )[0][0]

    assert stack.wait_for(lambda: running() == 1, seconds=30)
    worker = app.pid("worker")
    os.kill(worker, signal.SIGKILL)
    killed = time.monotonic()
    smtp.inbox.slow_rcpt = 0
    delivered = stack.wait_for(
        lambda: mails_to(layout, {"killed0@example.org"}), seconds=60, every=0.2
    )
    recovery_seconds = time.monotonic() - killed
    time.sleep(10)  # the killed conversation's slow answer has long come and gone

    print(
        f"\nWorker killed mid-task: registration {answer.status}, worker restarted "
        f"(pid {worker} -> {app.pid('worker')}), task picked up again and its mail delivered "
        f"{recovery_seconds:.1f} s after the kill, "
        f"{mails_to(layout, {'killed0@example.org'})['killed0@example.org']} copy"
    )
    assert answer.status == 201
    assert delivered
    assert app.pid("worker") != worker
    assert mails_to(layout, {"killed0@example.org"}) == {"killed0@example.org": 1}
    assert running() == 0
