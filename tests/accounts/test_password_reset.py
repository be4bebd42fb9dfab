import re

import pytest
from django.test import Client

from tests.factories import UserFactory


def normalised(content: bytes) -> bytes:
    return re.sub(rb'(value|nonce)="[^"]*"', b"", content)


@pytest.mark.django_db
def test_password_reset_mails_link_that_sets_password(client, smtp_server):
    UserFactory(username="sanne", email="sanne@example.org")

    response = client.post("/accounts/password_reset/", {"email": "sanne@example.org"})

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "sanne@example.org"
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    confirm_url = form_page.redirect_chain[-1][0]
    saved = client.post(
        confirm_url,
        {"new_password1": "fietsen-langs-buren", "new_password2": "fietsen-langs-buren"},
    )
    assert saved.status_code == 302
    assert saved.url == "/accounts/reset/done/"
    signed_in = Client()
    signed_in.post("/accounts/login/", {"username": "sanne", "password": "fietsen-langs-buren"})
    assert signed_in.session["_auth_user_id"]


@pytest.mark.django_db
def test_password_reset_same_response_for_unknown_address(smtp_server):
    UserFactory(username="sanne", email="sanne@example.org")

    known = Client().post("/accounts/password_reset/", {"email": "sanne@example.org"}, follow=True)
    unknown = Client().post(
        "/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True
    )

    assert known.redirect_chain == unknown.redirect_chain
    assert normalised(known.content) == normalised(unknown.content)
    assert [m["To"] for m in smtp_server.messages] == ["sanne@example.org"]


@pytest.mark.django_db
def test_password_reset_rate_limited_per_address(smtp_server, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = "2/900"
    UserFactory(username="sanne", email="sanne@example.org")
    flooder = Client(REMOTE_ADDR="203.0.113.20")

    statuses = [
        flooder.post("/accounts/password_reset/", {"email": "sanne@example.org"}).status_code
        for _ in range(3)
    ]
    other = Client(REMOTE_ADDR="203.0.113.21").post(
        "/accounts/password_reset/", {"email": "sanne@example.org"}
    )

    assert statuses == [302, 302, 429]
    assert other.status_code == 302
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_password_reset_link_expired_or_used_explains(client):
    response = client.get("/accounts/reset/MQ/set-password/")

    assert response.status_code == 200
    assert response.context["validlink"] is False
