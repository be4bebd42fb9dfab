import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Registration
from impact import services
from impact.models import Baseline, FollowUp, FollowUpAnswer
from ratings.services import new_token
from tests.factories import (
    FollowUpFactory,
    RegistrationFactory,
    StopFactory,
    TourFactory,
    past_tour_with_stops,
)


def sent_followup(**fields) -> tuple[FollowUp, str]:
    tour = past_tour_with_stops(days_ago=29, partners=2)
    registration = RegistrationFactory(activity=tour, status="attended")
    token, token_hash = new_token()
    values = {"sent_at": timezone.now(), "expires_at": timezone.now() + dt.timedelta(days=21)}
    followup = FollowUpFactory(
        registration=registration, token_hash=token_hash, **{**values, **fields}
    )
    return followup, token


def partner_keys(followup: FollowUp) -> list[str]:
    return [s.key for s in services.subjects_for(activity=followup.activity)]


@pytest.mark.django_db
def test_followup_get_changes_nothing(client):
    followup, token = sent_followup()

    response = client.get(f"/impact/followup/{token}/")

    followup.refresh_from_db()
    assert response.status_code == 200
    assert followup.answered_at is None
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_followup_unknown_token_is_404(client):
    assert client.get("/impact/followup/not-a-real-token-at-all/").status_code == 404


@pytest.mark.django_db
def test_followup_expired_link_is_410(client):
    _followup, token = sent_followup(expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = client.get(f"/impact/followup/{token}/")

    assert response.status_code == 410
    assert "verlopen" in response.content.decode()


@pytest.mark.django_db
def test_followup_of_cancelled_registration_is_410(client):
    followup, token = sent_followup()
    Registration.objects.filter(pk=followup.registration_id).update(status="cancelled")

    assert client.get(f"/impact/followup/{token}/").status_code == 410


@pytest.mark.django_db
def test_followup_unsent_survey_is_404(client):
    token, token_hash = new_token()
    FollowUpFactory(token_hash=token_hash)

    assert client.get(f"/impact/followup/{token}/").status_code == 404


@pytest.mark.django_db
def test_followup_post_saves_one_answer_per_partner(client):
    followup, token = sent_followup()
    first, second = partner_keys(followup)

    response = client.post(
        f"/impact/followup/{token}/",
        {
            f"{first}_referrals": "2-5",
            f"{first}_knows": "yes",
            f"{first}_knowledge": "4",
            f"{second}_referrals": "0",
            "story": "Mevrouw gaat nu elke week naar de inloop.",
            "consent_to_share": "on",
        },
    )

    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.answered_at is not None
    assert followup.consent_to_share is True
    answers = sorted(
        FollowUpAnswer.objects.filter(followup=followup).values_list(
            "referrals", "knows_whom_to_call", "knowledge"
        )
    )
    assert answers == [("0", None, None), ("2-5", True, 4)]


@pytest.mark.django_db
def test_followup_resubmission_replaces_the_answers(client):
    followup, token = sent_followup()
    first, _second = partner_keys(followup)
    client.post(f"/impact/followup/{token}/", {f"{first}_referrals": "1"})

    client.post(f"/impact/followup/{token}/", {f"{first}_referrals": "6+"})

    assert list(followup.answers.values_list("referrals", flat=True)) == ["6+"]


@pytest.mark.django_db
def test_followup_bad_choice_gets_a_field_message(client):
    followup, token = sent_followup()
    first, _second = partner_keys(followup)

    response = client.post(f"/impact/followup/{token}/", {f"{first}_referrals": "12"})

    assert response.status_code == 400
    assert "Kies 0, 1, 2–5 of meer dan 5." in response.content.decode()
    assert not followup.answers.exists()


@pytest.mark.django_db
def test_story_without_consent_is_not_shared():
    followup, _token = sent_followup()

    services.submit_followup(followup=followup, answers=[], story="Goed verhaal.")

    followup.refresh_from_db()
    assert (followup.story, followup.consent_to_share) == ("Goed verhaal.", False)


@pytest.mark.django_db
def test_consent_without_a_story_is_dropped():
    followup, _token = sent_followup()

    services.submit_followup(followup=followup, answers=[], story="  ", consent_to_share=True)

    followup.refresh_from_db()
    assert followup.consent_to_share is False


@pytest.mark.django_db
def test_answer_about_a_partner_not_on_the_tour_is_refused():
    followup, _token = sent_followup()
    stranger = StopFactory()  # another tour's partner
    subject = services.Subject(partner_id=stranger.partner_id, theme_id=None, name="x")

    with pytest.raises(services.ImpactError):
        services.submit_followup(
            followup=followup, answers=[services.SubjectAnswer(subject=subject, referrals="1")]
        )


# --- baseline -------------------------------------------------------------------------------


def upcoming_registration() -> Registration:
    tour = TourFactory()
    StopFactory(tour=tour)
    StopFactory(tour=tour)
    return RegistrationFactory(activity=tour)


@pytest.mark.django_db
def test_confirmation_page_offers_the_baseline(client):
    tour = TourFactory()
    StopFactory(tour=tour, partner__name="Buurthuis De Pijp")

    response = client.post(
        f"/activities/{tour.pk}/register/",
        {
            "name": "Anna de Boer",
            "email": "anna@praktijk.example.org",
            "organisation": "Huisartsenpraktijk Oost",
            "profession": "huisarts",
            "consent": "on",
            "bike_need": "own",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200, body
    assert "Drie vragen voor je gaat" in body
    assert Baseline.objects.count() == 1


@pytest.mark.django_db
def test_baseline_get_changes_nothing_and_post_saves(client):
    registration = upcoming_registration()
    token = services.offer_baseline(registration=registration)
    keys = [s.key for s in services.subjects_for(activity=registration.activity)]

    page = client.get(f"/impact/baseline/{token}/")
    baseline = Baseline.objects.get()
    assert page.status_code == 200
    assert baseline.submitted_at is None

    response = client.post(
        f"/impact/baseline/{token}/", {f"{keys[0]}_knowledge": "2", f"{keys[0]}_referrals": "0"}
    )

    baseline.refresh_from_db()
    assert response.status_code == 200
    assert baseline.submitted_at is not None
    assert list(baseline.answers.values_list("knowledge", "referrals")) == [(2, "0")]


@pytest.mark.django_db
def test_baseline_skip_is_remembered(client):
    registration = upcoming_registration()
    token = services.offer_baseline(registration=registration)

    client.post(f"/impact/baseline/{token}/", {"skip": "1"})

    assert Baseline.objects.get().skipped_at is not None
    assert services.offer_baseline(registration=registration) is None


@pytest.mark.django_db
def test_baseline_link_expires_when_the_activity_starts(client):
    registration = upcoming_registration()
    token = services.offer_baseline(registration=registration)
    Baseline.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert client.get(f"/impact/baseline/{token}/").status_code == 410
    assert client.get("/impact/baseline/unknown-token/").status_code == 404


@pytest.mark.django_db
def test_no_baseline_for_a_tour_without_stops():
    registration = RegistrationFactory(activity=TourFactory())

    assert services.offer_baseline(registration=registration) is None


@pytest.mark.django_db
def test_confirmation_page_for_a_known_address_offers_no_baseline(client):
    tour = TourFactory()
    StopFactory(tour=tour)
    RegistrationFactory(activity=tour, email="anna@praktijk.example.org")

    response = client.post(
        f"/activities/{tour.pk}/register/",
        {
            "name": "Iemand Anders",
            "email": "anna@praktijk.example.org",
            "organisation": "Huisartsenpraktijk Oost",
            "profession": "huisarts",
            "consent": "on",
            "bike_need": "own",
        },
    )

    assert response.status_code == 200
    assert "Drie vragen voor je gaat" not in response.content.decode()
    assert not Baseline.objects.exists()


@pytest.mark.django_db
def test_kenniscafe_followup_is_answered_per_theme(client):
    from tests.factories import KnowledgeSessionFactory, ThemeFactory, past_datetime

    starts = past_datetime(29)
    session = KnowledgeSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    theme = ThemeFactory(name="Eenzaamheid")
    session.themes.set([theme])
    token, token_hash = new_token()
    followup = FollowUpFactory(
        registration=RegistrationFactory(activity=session, status="attended"),
        token_hash=token_hash,
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=21),
    )

    page = client.get(f"/impact/followup/{token}/").content.decode()
    response = client.post(f"/impact/followup/{token}/", {f"t{theme.pk}_referrals": "1"})

    assert "Sinds het kenniscafé heb ik bewoners verwezen of gewezen naar Eenzaamheid" in page
    assert response.status_code == 302
    assert list(followup.answers.values_list("theme_id", "partner_id", "referrals")) == [
        (theme.pk, None, "1")
    ]
