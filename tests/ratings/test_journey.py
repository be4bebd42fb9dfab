import re

import pytest

from activities.models import Registration
from ratings import services
from ratings.models import Rating, StopRating
from tests.conftest import axe_violations
from tests.factories import (
    CoordinatorFactory,
    LinkRatingFactory,
    PartnerFactory,
    PastTourFactory,
    RatingInvitationFactory,
    RegistrationFactory,
    StopFactory,
    UserFactory,
)

LINK = re.compile(r"(https?://\S+/ratings/[\w-]+/)")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_participant_rates_from_the_email_and_coordinator_sees_it(
    page, live_server, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    coordinator = CoordinatorFactory(username="sanne")
    workspace = coordinator.memberships.get().workspace
    tour = PastTourFactory(workspace=workspace, title="Wijktour Indische Buurt")
    stops = [
        StopFactory(tour=tour, position=n, partner=PartnerFactory(workspace=workspace, name=name))
        for n, name in enumerate(["Buurtkamer Java", "Voedselbank Oost", "Huis van de Wijk"], 1)
    ]
    for grade in (8, 8, 9, 9):
        earlier = LinkRatingFactory(activity=tour, grade=grade)
        RatingInvitationFactory(registration=earlier.registration, sent_at=earlier.created_at)
    participant = RegistrationFactory(
        activity=tour, status=Registration.Status.ATTENDED, email="huisarts@praktijk.example.org"
    )

    assert services.invite_raters() == 1
    (message,) = smtp_server.messages
    assert message["To"] == "huisarts@praktijk.example.org"
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)

    page.goto(link)
    assert page.locator("h1").inner_text() == "Hoe was Wijktour Indische Buurt?"
    assert axe_violations(page) == []
    page.locator("fieldset", has_text="Jouw cijfer voor deze activiteit").get_by_label(
        "9", exact=True
    ).check()
    page.locator("fieldset", has_text="Jouw cijfer voor Buurtkamer Java").get_by_label(
        "8", exact=True
    ).check()
    page.locator("fieldset", has_text="naar Buurtkamer Java?").get_by_label("Ja").check()
    page.locator("fieldset", has_text="Jouw cijfer voor Voedselbank Oost").get_by_label(
        "7", exact=True
    ).check()
    page.locator("fieldset", has_text="naar Voedselbank Oost?").get_by_label("Misschien").check()
    page.get_by_label("Wat was voor jou het waardevolst?").fill("De korte lijntjes")
    page.get_by_role("button", name="Beoordeling versturen").click()
    assert page.locator(".message.success").first.inner_text() == (
        "Dankjewel! Je beoordeling is opgeslagen. Je kunt haar wijzigen zolang de link geldig is."
    )

    rating = Rating.objects.get(registration=participant)
    assert (rating.grade, rating.most_valuable) == (9, "De korte lijntjes")
    answers = StopRating.objects.filter(rating=rating).values_list(
        "stop_id", "grade", "would_refer"
    )
    assert sorted(answers) == [(stops[0].pk, 8, "yes"), (stops[1].pk, 7, "maybe")]

    page.goto(live_server.url + "/accounts/login/?next=/manage/insights/")
    page.locator("#id_username").fill("sanne")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main").get_by_role("button").click()
    page.wait_for_url("**/manage/insights/")
    headline = " ".join(page.locator("#headline").inner_text().split())
    assert headline == "1 wijktour, 5 professionals, gemiddeld 8,6"
    assert page.locator("#figure-response-rate").inner_text() == "100 %"
    assert page.locator("#figure-mean").inner_text() == "8,6"
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_device_form_and_partner_view_are_accessible(page, live_server, settings):
    settings.SITE_URL = live_server.url
    tour = PastTourFactory(title="Wijktour Noord")
    partner = PartnerFactory(workspace=tour.workspace, name="Buurthuis Noord", slug="bh-noord")
    StopFactory(tour=tour, partner=partner, position=1)
    editor = UserFactory(username="redacteur")
    partner.editors.add(editor)

    page.goto(services.device_url(activity=tour))
    assert page.locator("h1").inner_text() == "Hoe was Wijktour Noord?"
    assert axe_violations(page) == []
    page.locator("fieldset", has_text="Jouw cijfer voor deze activiteit").get_by_label(
        "10", exact=True
    ).check()
    page.get_by_role("button", name="Beoordeling versturen").click()
    assert page.locator(".message.success").first.inner_text() == (
        "Dankjewel! Je beoordeling is opgeslagen op dit apparaat."
    )
    assert Rating.objects.get().source == "device"

    page.goto(live_server.url + "/accounts/login/?next=/manage/insights/partner/bh-noord/")
    page.locator("#id_username").fill("redacteur")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main").get_by_role("button").click()
    page.wait_for_url("**/manage/insights/partner/bh-noord/")
    assert page.locator("h1").inner_text() == "Hoe deelnemers Buurthuis Noord beoordeelden"
    assert axe_violations(page) == []
