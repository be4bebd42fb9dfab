import re

import pytest
from django.utils import timezone

from activities.models import Registration
from impact import services
from impact.models import FollowUpAnswer
from tests.conftest import axe_violations
from tests.factories import (
    CoordinatorFactory,
    FollowUpFactory,
    PartnerFactory,
    RegistrationFactory,
    StopFactory,
    TourFactory,
    past_datetime,
)

LINK = re.compile(r"(https?://\S+/impact/followup/[\w-]+/)")


def link_in(message) -> str:
    return LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_attendee_answers_the_four_week_mail_and_the_report_changes(
    page, live_server, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    coordinator = CoordinatorFactory(username="sanne")
    workspace = coordinator.memberships.get().workspace
    starts = past_datetime(29)
    tour = TourFactory(
        workspace=workspace,
        title="Wijktour Indische Buurt",
        starts_at=starts,
        ends_at=starts.replace(hour=16),
    )
    java, voedselbank = (
        StopFactory(
            tour=tour,
            position=n,
            partner=PartnerFactory(
                workspace=workspace, name=name, neighbourhoods=[tour.neighbourhood]
            ),
        )
        for n, name in enumerate(["Buurtkamer Java", "Voedselbank Oost"], 1)
    )
    # Four colleagues answered already: below the threshold of five.
    for answer in ("1", "0", "2-5", "0"):
        earlier = FollowUpFactory(
            registration=RegistrationFactory(activity=tour, status="attended"),
            sent_at=timezone.now(),
            answered_at=timezone.now(),
        )
        FollowUpAnswer.objects.create(followup=earlier, partner=java.partner, referrals=answer)
    RegistrationFactory(
        activity=tour, status=Registration.Status.ATTENDED, email="huisarts@praktijk.example.org"
    )
    RegistrationFactory(
        activity=tour,
        status=Registration.Status.ATTENDED,
        email="gp@practice.example.org",
        language="en",
    )

    assert services.send_followup_surveys()["sent"] == 2
    mails = {m["To"]: m for m in smtp_server.messages}

    page.goto(live_server.url + "/accounts/login/?next=/manage/impact/")
    page.locator("#id_username").fill("sanne")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main").get_by_role("button").click()
    page.wait_for_url("**/manage/impact/")
    assert page.locator("#figure-referred").inner_text() == "te weinig antwoorden"

    page.goto(link_in(mails["huisarts@praktijk.example.org"]))
    assert page.locator("h1").inner_text() == "Sinds Wijktour Indische Buurt"
    assert axe_violations(page) == []
    java_card = page.locator("section.subject", has_text="Buurtkamer Java")
    java_card.locator("fieldset", has_text="heb ik bewoners verwezen").get_by_label(
        "2–5", exact=True
    ).check()
    java_card.locator("fieldset", has_text="wie ik daar kan bellen").get_by_label("Ja").check()
    page.locator("section.subject", has_text="Voedselbank Oost").locator(
        "fieldset", has_text="heb ik bewoners verwezen"
    ).get_by_label("0", exact=True).check()
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    assert page.locator(".message.success").first.inner_text().startswith("Bedankt!")
    assert sorted(
        FollowUpAnswer.objects.filter(
            followup__registration__email="huisarts@praktijk.example.org"
        ).values_list("partner_id", "referrals", "knows_whom_to_call")
    ) == sorted([(java.partner_id, "2-5", True), (voedselbank.partner_id, "0", None)])

    page.goto(live_server.url + "/manage/impact/")
    assert page.locator("#figure-referred").inner_text() == "60 % (3 / 5)"
    assert "60 % verwees daarna naar een partner uit de tour" in " ".join(
        page.locator("#headline").inner_text().split()
    )
    assert axe_violations(page) == []

    from tests.factories import PartnerSignalFactory

    PartnerSignalFactory(partner=java.partner, via_professional=5)
    page.goto(f"{live_server.url}/manage/impact/annual/")
    assert page.locator("h1").inner_text() == "Jaarverslag impact"
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/manage/impact/partner/{java.partner.slug}/")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/manage/neighbourhoods/{tour.neighbourhood.slug}/coverage/")
    assert page.locator("h1").inner_text() == f"Bereik: {tour.neighbourhood.name}"
    assert axe_violations(page) == []

    english = page.context.browser.new_context(
        locale="en-GB", viewport={"width": 390, "height": 844}
    )
    other = english.new_page()
    try:
        other.goto(link_in(mails["gp@practice.example.org"]))
        assert other.locator("h1").inner_text() == "Since Wijktour Indische Buurt"
        assert axe_violations(other) == []
    finally:
        english.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_professional_answers_the_baseline_right_after_registering(page, live_server):
    from impact.models import Baseline
    from tests.factories import KnowledgeSessionFactory, ThemeFactory

    session = KnowledgeSessionFactory(title="Kenniscafé Geldzorgen")
    session.themes.set([ThemeFactory(name="Geldzorgen & schulden")])

    page.goto(f"{live_server.url}/activities/{session.pk}/register/")
    page.get_by_label("Naam").fill("Annemiek Visser")
    page.get_by_label("E-mail").fill("annemiek@wijkteam.example.org")
    page.get_by_label("Organisatie").fill("Buurtteam Oost")
    page.get_by_label("Beroep").select_option("sociaal_werker")
    page.get_by_label("Ik ga akkoord").check()
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_text("Drie vragen voor je gaat").wait_for()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Beantwoord de vragen").click()
    page.wait_for_url("**/impact/baseline/**")
    assert page.locator("h1").inner_text() == "Voor je gaat"
    assert axe_violations(page) == []
    page.locator("fieldset", has_text="Hoe goed ken je").get_by_label("2", exact=True).check()
    page.locator("fieldset", has_text="afgelopen kwartaal").get_by_label("0", exact=True).check()
    page.get_by_role("button", name="Verstuur mijn antwoorden").click()
    page.get_by_text("Je antwoorden zijn opgeslagen.").wait_for()

    baseline = Baseline.objects.get()
    assert list(baseline.answers.values_list("knowledge", "referrals")) == [(2, "0")]
