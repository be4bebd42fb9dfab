"""The rush on the embedded default: 200 registrations at once against `make demo`'s stack
(scripts/serve.py demo: SQLite in WAL mode, gunicorn, the task worker), each from its own
client address (X-Forwarded-For from a trusted proxy). bench/bench_rush.py measures the same
rush against the PostgreSQL layout."""

import tempfile

import pytest

from tests.ops import stack

pytestmark = pytest.mark.slow
RUSH = 200
SEATS = 20


def test_rush_on_demo_stack_every_answer_and_mail_right():
    with (
        tempfile.TemporaryDirectory(prefix="wt_i13_rush_") as directory,
        stack.own_smtp() as smtp,
    ):
        database_url = f"sqlite:///{directory}/demo.sqlite3"
        extra = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_USE_TLS": "0"}
        with stack.running_stack("demo", database_url=database_url, extra=extra) as demo:
            activity = stack.create_session(demo, capacity=SEATS, label="demo")

            rush = stack.rush(f"{demo.url}/api/activities/{activity}/registrations/", RUSH)
            delivered = stack.wait_for(
                lambda: sum(rush_recipients(smtp).values()) >= RUSH, seconds=120
            )
            stack.wait_for(lambda: False, seconds=3)  # a duplicate would arrive by now
            rows = dict(
                stack.sql(
                    database_url,
                    "SELECT status, COUNT(*) FROM activities_registration "
                    "WHERE activity_id = %s GROUP BY status",
                    (activity,),
                )
            )

    print(f"\nrush on make demo: {RUSH} in {rush.seconds:.2f} s, p95 {rush.p95():.2f} s")
    assert [a.error for a in rush.answers if a.status == 0] == []
    assert rush.statuses == {201: RUSH}
    assert rush.outcomes == {"confirmed": SEATS, "waitlisted": RUSH - SEATS}
    assert rows == {"confirmed": SEATS, "waitlisted": RUSH - SEATS}
    assert delivered
    recipients = rush_recipients(smtp)
    assert len(recipients) == RUSH
    assert set(recipients.values()) == {1}
    subjects = [
        str(message["Subject"]).split(":")[0]
        for message in smtp.inbox.messages
        if str(message["To"]).startswith("rush")
    ]
    assert sorted(set(subjects)) == ["Aanmelding bevestigd", "Op de wachtlijst"]
    assert subjects.count("Aanmelding bevestigd") == SEATS


def rush_recipients(smtp) -> dict[str, int]:
    """The rush's own mails: the demo's periodic jobs mail its seeded people meanwhile
    (partner reviews, follow-up surveys), which are not part of the rush."""
    return {
        address: count
        for address, count in smtp.inbox.recipients().items()
        if address.startswith("rush")
    }
