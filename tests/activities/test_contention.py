"""No overbooking under contention: 200 simultaneous registrations over real HTTP for 20
seats, against a real multi-process server, on SQLite and on PostgreSQL."""

import os

import pytest

from tests.activities import harness

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(
            not harness.postgres_available(), reason="PostgreSQL at 127.0.0.1:5432 not reachable"
        ),
    ),
]


@pytest.fixture(scope="module", params=BACKENDS)
def database(request):
    name = f"wt_registration_contention_{request.param}_{os.getpid()}"
    with harness.throwaway_database(request.param, name) as url:
        harness.prepare_database(url)
        main, control = harness.create_activities(url, capacity=20, labels=["main", "control"])
        yield url, main, control


def registrations(server_url: str, activity_id: int, numbers) -> list[tuple[str, dict]]:
    url = f"{server_url}/api/activities/{activity_id}/registrations/"
    return [(url, harness.registration_payload(n)) for n in numbers]


def test_registration_contention_never_overbooks(database):
    database, activity_id, _control = database
    cancel_url_numbers = range(1000, 1010)

    with harness.running_server(database) as server:
        burst = harness.fire_concurrently(registrations(server.url, activity_id, range(200)))
        assert burst.statuses == {201: 200}
        assert burst.answers == {"confirmed": 20, "waitlisted": 180}
        assert harness.status_counts(database, activity_id) == {
            "confirmed": 20,
            "waitlisted": 180,
        }

        # Cancellations (of seated and waiting people) race with new registrations: every
        # freed seat goes to someone waiting, in the same transaction.
        seated = harness.set_cancel_tokens(database, activity_id, "confirmed", 10)
        waiting = harness.set_cancel_tokens(database, activity_id, "waitlisted", 5)
        cancel_url = f"{server.url}/api/registrations/cancel/"
        mixed = [(cancel_url, {"token": token}) for token in seated + waiting]
        mixed += registrations(server.url, activity_id, cancel_url_numbers)
        burst = harness.fire_concurrently(mixed)

    assert burst.statuses == {200: 15, 201: 10}
    assert harness.status_counts(database, activity_id) == {
        "confirmed": 20,
        "waitlisted": 180 - 10 - 5 + 10,
        "cancelled": 15,
    }


def test_registration_contention_control_without_lock_overbooks(database):
    """The same harness with the seat rule's lock removed must see overbooking; otherwise
    the test above would prove nothing."""
    database, _main, activity_id = database

    with harness.running_server(
        database, settings_module="tests.activities.unsafe_settings"
    ) as server:
        burst = harness.fire_concurrently(registrations(server.url, activity_id, range(40)))

    counts = harness.status_counts(database, activity_id)
    assert burst.statuses == {201: 40}
    assert counts["confirmed"] > 20
