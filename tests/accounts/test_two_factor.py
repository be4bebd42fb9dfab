import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.factories import CoordinatorFactory, UserFactory

PASSWORD = {"password": "correct-horse-battery"}


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (RFC 6238, django-otp's own implementation)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enable_two_factor(user) -> TOTPDevice:
    device = services.start_totp_setup(user=user)
    assert services.confirm_totp(user=user, code=current_code(device))
    device.refresh_from_db()
    # verify_token refuses a code twice; let the sign-in use the same time step.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return device


@pytest.mark.django_db
def test_two_factor_sign_in_asks_for_code(client):
    user = UserFactory(username="sanne")
    device = enable_two_factor(user)

    first = client.post("/accounts/login/", {"username": "sanne", **PASSWORD})
    assert first.status_code == 302
    assert first.url == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    second = client.post("/accounts/login/code/", {"code": current_code(device)})

    assert second.status_code == 302
    assert second.url == "/manage/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_two_factor_wrong_code_keeps_signed_out(client):
    user = UserFactory(username="sanne")
    device = enable_two_factor(user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client.post("/accounts/login/", {"username": "sanne", **PASSWORD})

    response = client.post("/accounts/login/code/", {"code": wrong})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_two_factor_too_many_wrong_codes_starts_over(client):
    user = UserFactory(username="sanne")
    device = enable_two_factor(user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client.post("/accounts/login/", {"username": "sanne", **PASSWORD})

    for _ in range(5):
        response = client.post("/accounts/login/code/", {"code": wrong})

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert client.get("/accounts/login/code/").url == "/accounts/login/"


@pytest.mark.django_db
def test_two_factor_setup_on_security_page(client):
    user = UserFactory()
    client.force_login(user)

    client.post("/accounts/security/", {"action": "start"})
    page = client.get("/accounts/security/")
    device = TOTPDevice.objects.get(user=user)
    confirmed = client.post(
        "/accounts/security/", {"action": "confirm", "code": current_code(device)}
    )

    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    assert confirmed.status_code == 302
    assert services.has_two_factor(user=user) is True


@pytest.mark.django_db
def test_two_factor_setup_wrong_code_stays_off(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/security/", {"action": "start"})

    response = client.post("/accounts/security/", {"action": "confirm", "code": "000000x"})

    assert response.status_code == 200
    assert services.has_two_factor(user=user) is False


@pytest.mark.django_db
def test_two_factor_required_sends_coordinator_to_setup(client, settings):
    settings.REQUIRE_2FA_FOR_COORDINATORS = True
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)

    blocked = client.get("/manage/")
    enable_two_factor(coordinator)
    allowed = client.get("/manage/")

    assert blocked.status_code == 302
    assert blocked.url == "/accounts/security/"
    assert allowed.status_code == 200


@pytest.mark.django_db
def test_two_factor_required_cannot_be_switched_off(client, settings):
    settings.REQUIRE_2FA_FOR_COORDINATORS = True
    coordinator = CoordinatorFactory()
    enable_two_factor(coordinator)
    client.force_login(coordinator)

    client.post("/accounts/security/", {"action": "disable"})

    assert services.has_two_factor(user=coordinator) is True


@pytest.mark.django_db
def test_two_factor_optional_can_be_switched_off(client):
    user = UserFactory()
    enable_two_factor(user)
    client.force_login(user)

    client.post("/accounts/security/", {"action": "disable"})

    assert services.has_two_factor(user=user) is False
