import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.services import hash_token
from network.models import Partner
from opendata.models import ChangeProposal, ReviewRequest
from opendata.reviews import send_review_requests, stale_partners
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    PartnerFactory,
    VisitingWindowFactory,
)

LINK = re.compile(r"http://\S+/partners/review/([A-Za-z0-9_-]+)/")


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def partner(coordinator):
    workspace = coordinator.memberships.get().workspace
    partner = PartnerFactory(
        workspace=workspace, name="Buurthuis Meevaart", assured_date=dt.date(2020, 1, 1)
    )
    VisitingWindowFactory(partner=partner, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))
    ContactFactory(
        partner=partner, name="Fatima", email="fatima@example.org", receives_review_requests=True
    )
    ContactFactory(partner=partner, name="Niet", email="niet@example.org")
    return partner


def _send(smtp_server) -> str:
    call_command("send_partner_reviews", stdout=StringIO())
    [message] = smtp_server.messages
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


@pytest.mark.django_db(transaction=True)
def test_send_partner_reviews_mails_opted_in_contacts_once(partner, smtp_server):
    out = StringIO()

    call_command("send_partner_reviews", stdout=out)
    call_command("send_partner_reviews", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 review request(s) sent.",
        "0 review request(s) sent.",
    ]
    [message] = smtp_server.messages
    assert message["To"] == "fatima@example.org"
    assert message["Subject"] == "Klopt de vermelding van Buurthuis Meevaart nog?"
    token = LINK.search(message.get_body(("plain",)).get_content()).group(1)
    review = ReviewRequest.objects.get()
    assert review.token_hash == hash_token(token)
    assert token not in review.token_hash


@pytest.mark.django_db
def test_send_review_requests_skips_recently_checked_partners(partner):
    Partner.objects.filter(pk=partner.pk).update(assured_date=timezone.localdate())

    assert send_review_requests() == 0


@pytest.mark.django_db(transaction=True)
def test_review_link_get_changes_nothing_and_confirm_sets_assured_date(
    client, partner, smtp_server
):
    token = _send(smtp_server)
    url = f"/partners/review/{token}/"

    page = client.get(url)
    partner.refresh_from_db()
    assert page.status_code == 200
    assert "Buurthuis Meevaart" in page.content.decode()
    assert partner.assured_date == dt.date(2020, 1, 1)

    response = client.post(url, {"action": "confirm"})

    partner.refresh_from_db()
    assert response.status_code == 302
    assert partner.assured_date == timezone.localdate()
    assert ReviewRequest.objects.get().answer == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_review_changes_wait_for_coordinator_approval_with_diff(
    client, coordinator, partner, smtp_server
):
    token = _send(smtp_server)
    url = f"/partners/review/{token}/"
    values = client.get(url).context["form"].initial
    values = {k: v for k, v in values.items() if v}
    values.update(action="change", referral_info="Bel eerst.", visiting_hours="tue 10:00-12:00")

    response = client.post(url, values)

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.referral_info != "Bel eerst."
    proposal = ChangeProposal.objects.get()
    assert set(proposal.changes) == {"referral_info", "visiting_hours"}
    client.force_login(coordinator)
    overview = client.get("/manage/open-data/").content.decode()
    assert "Bel eerst." in overview
    assert "mon 09:00-12:00" in overview

    client.post(f"/manage/open-data/proposals/{proposal.pk}/", {"decision": "approve"})

    partner.refresh_from_db()
    proposal.refresh_from_db()
    assert partner.referral_info == "Bel eerst."
    assert [str(w) for w in partner.visiting_windows.all()] == ["dinsdag 10:00–12:00"]
    assert partner.assured_date == timezone.localdate()
    assert proposal.status == "approved"


@pytest.mark.django_db
def test_review_link_unknown_or_expired(client, partner):
    ReviewRequest.objects.create(
        partner=partner,
        token_hash=hash_token("oud"),
        sent_at=timezone.now() - dt.timedelta(days=60),
        expires_at=timezone.now() - dt.timedelta(days=30),
    )

    assert client.get("/partners/review/onbekend/").status_code == 404
    expired = client.get("/partners/review/oud/")
    assert expired.status_code == 410
    assert client.post("/partners/review/oud/", {"action": "confirm"}).status_code == 410


@pytest.mark.django_db
def test_stale_partners_lists_never_and_long_ago_checked(partner):
    PartnerFactory(workspace=partner.workspace, assured_date=timezone.localdate())
    never = PartnerFactory(workspace=partner.workspace, name="Aaa", assured_date=None)

    assert list(stale_partners(workspace=partner.workspace)) == [never, partner]


@pytest.mark.django_db
def test_partner_page_shows_last_checked(client, partner):
    body = client.get(partner.get_absolute_url()).content.decode()

    assert "Laatst gecontroleerd" in body
    assert "1 januari 2020" in body
