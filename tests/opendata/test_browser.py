"""Real-browser journeys: a partner's review link and the referral search (nl and en)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.services import hash_token
from network.models import Partner
from opendata.models import ChangeProposal, ReviewRequest
from tests.conftest import axe_violations
from tests.factories import (
    ContactFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
)

TEXT = {
    "nl": {"confirm": "Klopt nog", "change": "Wijzigen", "send": "Wijzigingen versturen",
           "thanks": "Dank je!", "search": "Zoeken", "refer": "Verwijzen:"},
    "en": {"confirm": "Still correct", "change": "Change", "send": "Send changes",
           "thanks": "Thank you!", "search": "Search", "refer": "Refer:"},
}  # fmt: skip


def _language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def _review_link(partner) -> str:
    ReviewRequest.objects.create(
        partner=partner,
        token_hash=hash_token("browser-token"),
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return "/partners/review/browser-token/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_review_link_confirm_and_propose_changes(page, live_server, language):
    text = TEXT[language]
    partner = PartnerFactory(name="Buurthuis Meevaart", assured_date=dt.date(2020, 1, 1))
    VisitingWindowFactory(partner=partner, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))
    ContactFactory(partner=partner, email="fatima@example.org", receives_review_requests=True)
    _language(page, live_server, language)
    url = live_server.url + _review_link(partner)

    page.goto(url)
    assert "Buurthuis Meevaart" in page.inner_text("h1")
    assert axe_violations(page) == []
    page.get_by_role("link", name=text["change"]).click()
    page.fill("#id_referral_info", "Bel eerst het spreekuur.")
    assert axe_violations(page) == []
    page.get_by_role("button", name=text["send"]).click()

    assert text["thanks"] in page.inner_text("main")
    assert ChangeProposal.objects.get().changes["referral_info"]["new"] == (
        "Bel eerst het spreekuur."
    )
    assert axe_violations(page) == []

    page.goto(url)
    page.get_by_role("button", name=text["confirm"]).click()
    assert text["thanks"] in page.inner_text("main")
    assert Partner.objects.get(pk=partner.pk).assured_date == timezone.localdate()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_referral_search_nearest_first_and_open_on_day(page, live_server, language):
    text = TEXT[language]
    hood = NeighbourhoodFactory(name="Indische Buurt", latitude=52.3625, longitude=4.939)
    taal = ThemeFactory(slug="taal", name="Taal")
    far = PartnerFactory(
        workspace=hood.workspace, name="Ver weg", latitude=52.38, longitude=4.85, themes=[taal]
    )
    near = PartnerFactory(
        workspace=hood.workspace, name="Dichtbij", latitude=52.3626, longitude=4.9391,
        themes=[taal], referral_info="Loop binnen op maandag.",
    )  # fmt: skip
    VisitingWindowFactory(partner=near, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))
    VisitingWindowFactory(partner=far, weekday=2, opens_at=dt.time(9), closes_at=dt.time(12))
    _language(page, live_server, language)

    page.goto(live_server.url + "/refer/")
    assert axe_violations(page) == []
    page.select_option("#id_theme", "taal")
    page.fill("#id_place", "1094")
    page.get_by_role("button", name=text["search"]).click()

    names = page.locator(".referral-results h3").all_inner_texts()
    assert names == ["Dichtbij", "Ver weg"]
    assert text["refer"] in page.inner_text(".referral-results")
    assert "km" in page.inner_text(".referral-results")
    assert axe_violations(page) == []

    page.check("input[name=when][value=day]")
    page.select_option("#id_day", "0")
    page.get_by_role("button", name=text["search"]).click()
    assert page.locator(".referral-results h3").all_inner_texts() == ["Dichtbij"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
