"""Real-browser journeys: a coordinator signs in with two-factor authentication; axe-core checks
the sign-in, account-security and password-reset pages."""

import pytest
from playwright.sync_api import expect

from tests.accounts.test_two_factor import current_code, enable_two_factor
from tests.conftest import axe_violations
from tests.factories import CoordinatorFactory, NeighbourhoodFactory, WorkspaceFactory

PASSWORD = "correct-horse-battery"


def submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_signs_in_with_two_factor_and_sees_own_workspace(page, live_server, settings):
    settings.REQUIRE_2FA_FOR_COORDINATORS = True
    own = WorkspaceFactory(name="Steunpunt Noord", slug="noord")
    foreign = WorkspaceFactory(name="Steunpunt Zuid", slug="zuid")
    NeighbourhoodFactory(workspace=own, name="Banne Buiksloot")
    NeighbourhoodFactory(workspace=foreign, name="Rivierenbuurt")
    coordinator = CoordinatorFactory(username="sanne", workspace=own)
    device = enable_two_factor(coordinator)

    page.goto(live_server.url + "/accounts/login/?next=/manage/")
    assert axe_violations(page) == []
    page.fill("#id_username", "sanne")
    page.fill("#id_password", PASSWORD)
    submit(page)
    expect(page.locator("h1")).to_have_text("Inloggen in twee stappen")
    assert axe_violations(page) == []
    page.fill("#id_code", current_code(device))
    submit(page)

    expect(page).to_have_url(live_server.url + "/manage/")
    main = page.locator("main")
    expect(main).to_contain_text("Steunpunt Noord")
    expect(main).to_contain_text("Banne Buiksloot")
    expect(main).not_to_contain_text("Steunpunt Zuid")
    expect(main).not_to_contain_text("Rivierenbuurt")
    page.goto(live_server.url + "/accounts/security/")
    expect(page.locator("h1")).to_have_text("Accountbeveiliging")
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_security_setup_and_password_reset_pages_are_accessible(page, live_server):
    CoordinatorFactory(username="sanne")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "sanne")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.goto(live_server.url + "/accounts/security/")
    submit(page)  # start the set-up: the QR code and the code field appear
    expect(page.locator("main img")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(live_server.url + "/accounts/password_reset/")
    assert axe_violations(page) == []
    page.fill("#id_email", "nobody@example.org")
    submit(page)
    expect(page.locator("h1")).to_have_text("Kijk in je e-mail")
    assert axe_violations(page) == []
