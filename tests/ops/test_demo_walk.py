"""The README's five "try this first" steps, walked in a real browser on a fresh `make demo`
stack (scripts/serve.py demo on its own SQLite file, mails written to a folder)."""

import tempfile
from pathlib import Path

import pytest

from tests.conftest import axe_violations
from tests.ops import stack

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CAFE = "Kenniscafé Eenzaamheid onder ouderen"
JUST_ENDED = """
import datetime as dt
from django.utils import timezone
from core.models import Workspace
from activities.models import Activity
from sessions.models import KnowledgeSession
end = timezone.now() - dt.timedelta(hours=3)
session = KnowledgeSession.objects.create(
    workspace=Workspace.objects.get(slug="ros-amsterdam"), title="Kenniscafé Valpreventie",
    starts_at=end - dt.timedelta(hours=2), ends_at=end, capacity=20,
    status=Activity.Status.PUBLISHED, venue_name="Bibliotheek Oost",
)
print(session.pk)
"""


@pytest.fixture(scope="module")
def demo():
    with tempfile.TemporaryDirectory(prefix="wt_i13_walk_") as directory:
        mail = Path(directory) / "mail"
        database_url = f"sqlite:///{directory}/demo.sqlite3"
        extra = {"EMAIL_FILE_PATH": str(mail), "PERIODIC_SECONDS": "60"}
        with stack.running_stack("demo", database_url=database_url, extra=extra) as app:
            yield app, mail, database_url


@pytest.fixture
def demo_page(browser, demo):
    app, _mail, _url = demo
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    context.route(
        lambda url: not url.startswith(app.url),
        lambda route: route.fulfill(status=204, body=""),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, url: str, username: str, next_url: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("wijktour-demo")
    page.locator("main").get_by_role("button").click()
    page.wait_for_url(f"**{next_url}")


def test_readme_five_steps_on_fresh_demo(demo, demo_page):
    app, mail, _database_url = demo
    page = demo_page

    # 1. Professional registers without an account; the mail lands in the sink.
    page.goto(app.url + "/")
    page.get_by_role("link", name=CAFE).first.click()
    page.locator("main").get_by_role("link", name="Aanmelden").first.click()
    page.locator("#id_name").fill("Wendy Wandel")
    page.locator("#id_email").fill("wendy@praktijk.example.org")
    page.locator("#id_organisation").fill("Huisartsenpraktijk Dapper")
    page.locator("#id_profession").select_option("huisarts")
    page.locator("#id_consent").check()
    page.locator("main").get_by_role("button", name="Aanmelden").click()
    assert page.locator("h1").inner_text() == "Aanmelding ontvangen"
    assert axe_violations(page) == []
    assert stack.wait_for(
        lambda: any(
            "wendy@praktijk.example.org" in f.read_text(errors="replace")
            for f in mail.glob("*.log")
        ),
        seconds=30,
    )

    # 2. Coordinator sees the registration.
    sign_in(page, app.url, "coordinator", "/manage/")
    page.locator("tr", has_text=CAFE).get_by_role("link", name="Aanmeldingen").first.click()
    assert "Wendy Wandel" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    # 3. Coordinator opens a composed tour.
    page.goto(app.url + "/manage/tours/")
    page.locator("main table").get_by_role("link", name="Wijktour").first.click()
    assert page.locator("h1").inner_text().startswith("Wijktour")
    assert page.locator("#schedule-heading").is_visible()
    assert page.locator("#map-heading").is_visible()

    # 4. Partner editor sees only their own partners; their feed answers.
    page.context.clear_cookies()
    sign_in(page, app.url, "partner-editor", "/manage/partners/")
    partners = page.locator("main").inner_text()
    assert "Buurthuis De Javakade" in partners
    assert "Buurtkamer Makassarplein" in partners
    feed = page.request.get(app.url + "/feeds/partners/ib-buurthuis-meevaart.ics")
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")

    # 5. Participant rates on the spot. The demo's past activities are older than a rating
    # link lives (RATINGS_LINK_DAYS), so one that ended this afternoon is added first.
    ended = app.shell(JUST_ENDED).splitlines()[-1]
    page.context.clear_cookies()
    sign_in(page, app.url, "coordinator", "/manage/insights/")
    assert "gemiddeld" in page.locator("#headline").inner_text()
    page.goto(f"{app.url}/manage/insights/activity/{ended}/device-link/")
    device_url = page.locator(".device-url a").get_attribute("href")
    page.context.clear_cookies()
    page.goto(device_url)
    assert page.locator("h1").inner_text() == "Hoe was Kenniscafé Valpreventie?"
    page.locator("fieldset", has_text="deze activiteit").get_by_label("9", exact=True).check()
    page.get_by_role("button", name="Beoordeling versturen").click()
    assert "opgeslagen" in page.locator(".message.success").first.inner_text()
    assert axe_violations(page) == []
