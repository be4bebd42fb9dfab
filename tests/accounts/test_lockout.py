import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

WRONG = {"username": "sanne", "password": "wrong-password"}
RIGHT = {"username": "sanne", "password": "correct-horse-battery"}


def fail_times(client: Client, count: int, **credentials) -> None:
    for _ in range(count):
        client.post("/accounts/login/", credentials or WRONG)


@pytest.mark.django_db
def test_lockout_after_failure_limit(client, settings):
    UserFactory(username="sanne")

    fail_times(client, settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", RIGHT)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_below_limit_still_signs_in(client, settings):
    UserFactory(username="sanne")

    fail_times(client, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post("/accounts/login/", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_lockout_other_address_still_signs_in(settings):
    UserFactory(username="sanne")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail_times(attacker, settings.AXES_FAILURE_LIMIT)

    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = owner.post("/accounts/login/", RIGHT)

    assert response.status_code == 302
    assert owner.session["_auth_user_id"]


@pytest.mark.django_db
def test_lockout_ends_after_cool_off(client, settings):
    UserFactory(username="sanne")
    fail_times(client, settings.AXES_FAILURE_LIMIT + 3)
    assert client.post("/accounts/login/", RIGHT).status_code == 429

    # Failing during the lockout did not extend it: moving the attempts back by the cool-off
    # is the same as waiting.
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    response = client.post("/accounts/login/", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_lockout_page_same_for_unknown_account(settings):
    UserFactory(username="sanne")
    known, unknown = Client(), Client()
    fail_times(known, settings.AXES_FAILURE_LIMIT, username="sanne", password="x")
    fail_times(unknown, settings.AXES_FAILURE_LIMIT, username="nobody", password="x")

    known_response = known.post("/accounts/login/", {"username": "sanne", "password": "x"})
    unknown_response = unknown.post("/accounts/login/", {"username": "nobody", "password": "x"})

    assert known_response.status_code == unknown_response.status_code == 429
    strip = [b"sanne", b"nobody"]
    bodies = [known_response.content, unknown_response.content]
    for name in strip:
        bodies = [body.replace(name, b"") for body in bodies]
    # Only the CSRF token and CSP nonce differ between two renders.
    normalise = [re.sub(rb'(value|nonce)="[^"]*"', b"", body) for body in bodies]
    assert normalise[0] == normalise[1]
    assert "Te veel mislukte" in known_response.content.decode()


@pytest.mark.django_db
def test_lockout_page_is_dutch_by_default(client, settings):
    UserFactory(username="sanne")
    fail_times(client, settings.AXES_FAILURE_LIMIT)

    response = client.post("/accounts/login/", RIGHT)

    assert response.headers["Content-Language"] == "nl"


@pytest.mark.django_db
def test_sign_in_by_email_still_counts_toward_lockout(client, settings):
    UserFactory(username="sanne", email="sanne@example.org")
    fail_times(client, settings.AXES_FAILURE_LIMIT, username="sanne@example.org", password="wrong")

    response = client.post(
        "/accounts/login/", {"username": "sanne@example.org", "password": "correct-horse-battery"}
    )

    assert response.status_code == 429
