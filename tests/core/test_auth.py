import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_sign_in_with_email_address(client):
    UserFactory(username="sanne", email="Sanne@Example.org")

    response = client.post(
        "/accounts/login/", {"username": "sanne@example.org", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_sign_in_with_username(client):
    UserFactory(username="sanne")

    response = client.post(
        "/accounts/login/", {"username": "sanne", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_in_with_shared_email_refuses(client):
    UserFactory(username="a", email="shared@example.org")
    UserFactory(username="b", email="shared@example.org")

    response = client.post(
        "/accounts/login/", {"username": "shared@example.org", "password": "correct-horse-battery"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_health_reports_database_and_cache(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "not-configured"},
    }


@pytest.mark.django_db
def test_response_carries_request_id(client):
    response = client.get("/health/", headers={"X-Request-ID": "abc12345-proxy"})

    assert response.headers["X-Request-ID"] == "abc12345-proxy"


@pytest.mark.django_db
def test_response_replaces_unsafe_request_id(client):
    response = client.get("/health/", headers={"X-Request-ID": "<script>"})

    assert len(response.headers["X-Request-ID"]) == 32
