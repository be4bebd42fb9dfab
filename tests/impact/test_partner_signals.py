import datetime as dt
import re

import pytest
from django.utils import timezone

from impact import services
from impact.models import PartnerSignal, SignalContact, SignalRequest
from impact.statistics import month_start, shift_months
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    PartnerFactory,
    UserFactory,
)

LINK = re.compile(r"https?://\S+/impact/partner-count/([\w-]+)/")


def last_month() -> dt.date:
    return shift_months(month_start(timezone.localdate()), -1)


@pytest.mark.django_db
def test_partner_editor_records_a_month(client):
    partner = PartnerFactory()
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    response = client.post(
        f"/manage/impact/partner/{partner.slug}/",
        {"record": "1", "month": "2026-03", "via_professional": "7", "via_tour_participant": "3"},
    )

    assert response.status_code == 302
    signal = PartnerSignal.objects.get()
    assert (signal.month, signal.via_professional, signal.via_tour_participant) == (
        dt.date(2026, 3, 1),
        7,
        3,
    )
    assert signal.recorded_by == editor


@pytest.mark.django_db
def test_recording_the_same_month_again_corrects_it(client):
    partner = PartnerFactory()
    client.force_login(CoordinatorFactory(workspace=partner.workspace))
    for count in ("4", "5"):
        client.post(
            f"/manage/impact/partner/{partner.slug}/",
            {"record": "1", "month": "2026-02", "via_professional": count},
        )

    assert list(PartnerSignal.objects.values_list("via_professional", flat=True)) == [5]


@pytest.mark.django_db
def test_more_via_tour_than_via_professional_gets_a_field_message(client):
    partner = PartnerFactory()
    client.force_login(CoordinatorFactory(workspace=partner.workspace))

    response = client.post(
        f"/manage/impact/partner/{partner.slug}/",
        {"record": "1", "month": "2026-02", "via_professional": "2", "via_tour_participant": "3"},
    )

    assert response.status_code == 400
    assert "Dit kan niet meer zijn dan" in response.content.decode()
    assert not PartnerSignal.objects.exists()


@pytest.mark.django_db
def test_future_month_is_refused():
    partner = PartnerFactory()
    future = shift_months(month_start(timezone.localdate()), 1)

    with pytest.raises(services.ImpactError):
        services.record_partner_signal(partner=partner, month=future, via_professional=1)


@pytest.mark.django_db
def test_other_users_do_not_see_the_partner_page(client):
    partner = PartnerFactory()
    client.force_login(UserFactory())

    assert client.get(f"/manage/impact/partner/{partner.slug}/").status_code == 404


@pytest.mark.django_db
def test_opt_in_is_saved_per_contact(client):
    partner = PartnerFactory()
    chosen, other = ContactFactory(partner=partner), ContactFactory(partner=partner)
    coordinator = CoordinatorFactory(workspace=partner.workspace)
    client.force_login(coordinator)

    client.post(f"/manage/impact/partner/{partner.slug}/", {"opt_in": [str(chosen.pk)]})

    assert list(SignalContact.objects.values_list("contact_id", "opted_in_by")) == [
        (chosen.pk, coordinator.pk)
    ]
    assert other.pk not in SignalContact.objects.values_list("contact_id", flat=True)


@pytest.mark.django_db(transaction=True)
def test_monthly_link_goes_once_to_the_opted_in_contact_and_records_the_count(smtp_server, client):
    partner = PartnerFactory(name="Buurthuis De Meeuw")
    contact = ContactFactory(partner=partner, email="jet@meeuw.example.org")
    ContactFactory(partner=partner)  # not opted in
    services.set_signal_opt_in(contact=contact, opted_in=True)

    assert services.send_signal_requests() == 1
    assert services.send_signal_requests() == 0  # same month: nothing new

    (message,) = smtp_server.messages
    assert message["To"] == "jet@meeuw.example.org"
    token = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)
    assert client.get(f"/impact/partner-count/{token}/").status_code == 200
    assert not PartnerSignal.objects.exists()  # GET changes nothing

    response = client.post(
        f"/impact/partner-count/{token}/", {"via_professional": "6", "via_tour_participant": "2"}
    )

    assert response.status_code == 302
    signal = PartnerSignal.objects.get()
    assert (signal.month, signal.via_professional, signal.source) == (last_month(), 6, "link")
    assert SignalRequest.objects.get().answered_at is not None


@pytest.mark.django_db
def test_monthly_link_bad_and_expired(client):
    partner = PartnerFactory()
    token, token_hash = services.new_token()
    SignalRequest.objects.create(
        partner=partner,
        month=last_month(),
        token_hash=token_hash,
        sent_at=timezone.now(),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )

    assert client.get(f"/impact/partner-count/{token}/").status_code == 410
    assert client.get("/impact/partner-count/nope/").status_code == 404


@pytest.mark.django_db
def test_partner_page_shows_what_professionals_said_about_this_partner(client):
    from impact.models import FollowUpAnswer
    from tests.factories import FollowUpFactory, RegistrationFactory, past_tour_with_stops

    tour = past_tour_with_stops(days_ago=40, partners=1)
    partner = tour.stops.get().partner
    for answer in ("1", "0", "2-5", "6+", "0"):
        followup = FollowUpFactory(
            registration=RegistrationFactory(activity=tour, status="attended"),
            sent_at=timezone.now(),
            answered_at=timezone.now(),
        )
        FollowUpAnswer.objects.create(followup=followup, partner=partner, referrals=answer)
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    body = client.get(f"/manage/impact/partner/{partner.slug}/").content.decode()

    assert "60 % van hen verwees of wees sindsdien bewoners naar jullie (3 van de 5)." in body


@pytest.mark.django_db
def test_partner_page_query_count_does_not_grow(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PartnerSignalFactory

    partner = PartnerFactory()
    client.force_login(CoordinatorFactory(workspace=partner.workspace))
    PartnerSignalFactory(partner=partner, month=dt.date(2025, 1, 1))
    ContactFactory(partner=partner)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/manage/impact/partner/{partner.slug}/")
    for month in range(2, 12):
        PartnerSignalFactory(partner=partner, month=dt.date(2025, month, 1))
        ContactFactory(partner=partner)
    with CaptureQueriesContext(connection) as large:
        client.get(f"/manage/impact/partner/{partner.slug}/")

    assert len(large) == len(small)
