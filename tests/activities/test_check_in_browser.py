import pytest
from django.test import Client
from playwright.sync_api import expect

from activities.models import Registration
from tests.conftest import axe_violations
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory, WorkspaceFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_check_in_tap_updates_in_place_without_reload(page, live_server):
    workspace = WorkspaceFactory()
    tour = TourFactory(workspace=workspace)
    first = RegistrationFactory(activity=tour, name="Anna Aanwezig")
    RegistrationFactory(activity=tour, name="Bram Later")
    client = Client()
    client.force_login(CoordinatorFactory(workspace=workspace))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/manage/activities/{tour.pk}/check-in/")
    page.evaluate("window.__notReloaded = true")

    page.get_by_role("button", name="Anna Aanwezig").click()
    expect(page.locator("#checkin-count")).to_have_text("1 van 2 aanwezig")

    first.refresh_from_db()
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(f"#checkin-{first.pk} button").get_attribute("aria-pressed") == "true"
    assert first.status == Registration.Status.ATTENDED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
