import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from feeds.models import ImportedEvent, PartnerFeed
from tests.conftest import axe_violations
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    TourFactory,
    UserFactory,
)


def imported(feed: PartnerFeed, summary: str, days: int) -> ImportedEvent:
    starts_at = timezone.now() + dt.timedelta(days=days)
    return ImportedEvent.objects.create(
        workspace=feed.workspace,
        feed=feed,
        uid=f"{summary}@partner.example.org",
        summary=summary,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        location="Javaplein 5",
    )


@pytest.mark.django_db
def test_calendar_links_on_tour_page(client):
    neighbourhood = NeighbourhoodFactory(slug="bos-en-lommer", name="Bos en Lommer")
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)

    html = client.get(f"/tours/{tour.pk}/").content.decode()

    assert f'href="/feeds/activities/{tour.pk}.ics" download' in html
    assert 'href="webcal://127.0.0.1:8000/feeds/neighbourhoods/bos-en-lommer.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "<script" not in html.split('class="card calendar-links"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_calendar_links_on_session_page_without_neighbourhood(client):
    session = KnowledgeSessionFactory(neighbourhood=None)

    html = client.get(f"/sessions/{session.pk}/").content.decode()

    assert (f"/feeds/activities/{session.pk}.ics" in html, "webcal://" in html) == (True, False)


@pytest.mark.django_db
def test_subscribe_include_builds_webcal_link():
    html = Template(
        '{% include "feeds/_subscribe.html" with feed_url="/feeds/partners/de-meeuw.ics" %}'
    ).render(Context({}))

    assert 'href="webcal://127.0.0.1:8000/feeds/partners/de-meeuw.ics"' in html


@pytest.mark.django_db
def test_partner_agenda_include_for_partner_and_neighbourhood(django_assert_num_queries):
    neighbourhood = NeighbourhoodFactory()
    partner = PartnerFactory(name="De Meeuw", neighbourhoods=[neighbourhood])
    feed = PartnerFeed.objects.create(partner=partner, url="https://example.org/a.ics")
    imported(feed, "Wandelgroep", 2)
    imported(feed, "Open dag", 1)
    imported(feed, "Voorbij", -1)
    other = PartnerFeed.objects.create(partner=PartnerFactory(), url="https://example.org/b.ics")
    imported(other, "Elders", 1)
    template = Template('{% include "feeds/_partner_agenda.html" %}')

    with django_assert_num_queries(1):
        by_partner = template.render(Context({"partner": partner}))
    by_neighbourhood = template.render(Context({"neighbourhood": neighbourhood}))

    assert by_partner.index("Open dag") < by_partner.index("Wandelgroep")
    assert ("Voorbij" in by_partner, "Elders" in by_partner) == (False, False)
    assert "Van De Meeuw" in by_neighbourhood
    assert "Van De Meeuw" not in by_partner


@pytest.mark.django_db
def test_feed_settings_page_requires_editor_or_coordinator(client):
    partner = PartnerFactory(slug="de-meeuw")
    url = "/manage/partners/de-meeuw/feed/"

    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)
    client.force_login(CoordinatorFactory())  # of another workspace
    other_coordinator = client.get(url)
    client.force_login(CoordinatorFactory(workspace=partner.workspace))
    coordinator = client.get(url)

    assert anonymous.status_code == 302
    assert (stranger.status_code, other_coordinator.status_code, coordinator.status_code) == (
        404,
        404,
        200,
    )


@pytest.mark.django_db
def test_editor_saves_feed_url_and_sees_the_error(
    client, settings, django_capture_on_commit_callbacks
):
    settings.FEEDS_IMPORT_ALLOW_PRIVATE = False
    editor = UserFactory()
    partner = PartnerFactory(slug="de-meeuw")
    partner.editors.add(editor)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/manage/partners/de-meeuw/feed/",
            {"url": "webcal://127.0.0.1:9/agenda.ics", "enabled": "on", "fetch": ""},
        )
    response = client.get("/manage/partners/de-meeuw/feed/")

    feed = PartnerFeed.objects.get(partner=partner)
    assert (feed.url, feed.workspace_id) == ("https://127.0.0.1:9/agenda.ics", partner.workspace_id)
    assert feed.last_error.startswith("127.0.0.1 verwijst naar een privé-")
    assert feed.last_error in response.content.decode()


@pytest.mark.django_db
def test_feed_settings_rejects_non_web_links(client):
    partner = PartnerFactory(slug="de-meeuw")
    client.force_login(CoordinatorFactory(workspace=partner.workspace))

    response = client.post("/manage/partners/de-meeuw/feed/", {"url": "ftp://x.example.org/a"})

    assert response.status_code == 200
    assert PartnerFeed.objects.count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_editor_sets_feed_link_in_browser(page, live_server):
    editor = UserFactory(username="redacteur")
    partner = PartnerFactory(slug="de-meeuw", name="De Meeuw")
    partner.editors.add(editor)

    page.goto(f"{live_server.url}/accounts/login/?next=/manage/partners/de-meeuw/feed/")
    page.fill("#id_username", "redacteur")
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_url")
    violations = axe_violations(page)
    page.fill("#id_url", "https://agenda.example.org/de-meeuw.ics")
    page.click("button[name=save]")

    assert violations == []
    assert page.locator(".messages").inner_text() == "De agendalink is opgeslagen."
    assert PartnerFeed.objects.get(partner=partner).url == "https://agenda.example.org/de-meeuw.ics"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_calendar_links_in_browser_load_nothing_from_elsewhere(page, live_server):
    neighbourhood = NeighbourhoodFactory(slug="bos-en-lommer", name="Bos en Lommer")
    tour = TourFactory(neighbourhood=neighbourhood, workspace=neighbourhood.workspace)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/tours/{tour.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in je agenda (.ics)").click()

    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert download.value.suggested_filename == f"{tour.title.lower().replace(' ', '-')}.ics"
    assert (
        page.get_by_role(
            "link", name="Abonneer je op alle activiteiten in Bos en Lommer"
        ).get_attribute("href")
        == "webcal://127.0.0.1:8000/feeds/neighbourhoods/bos-en-lommer.ics"
    )
    assert axe_violations(page) == []


@pytest.mark.django_db
def test_feed_settings_fetch_now_over_rate_limit_is_refused(client, settings):
    settings.FEEDS_IMPORT_RATE_LIMIT = "0/600"  # the budget is used up before any fetch
    partner = PartnerFactory(slug="de-meeuw")
    client.force_login(CoordinatorFactory(workspace=partner.workspace))
    data = {"url": "https://agenda.example.org/meeuw.ics", "enabled": "on", "fetch": "1"}

    response = client.post("/manage/partners/de-meeuw/feed/", data)

    assert response.status_code == 200
    assert "Te veel ophaalpogingen vanaf dit adres" in response.content.decode()
    assert PartnerFeed.objects.count() == 0
