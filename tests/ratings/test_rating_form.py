import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from activities.models import Registration
from ratings import services
from ratings.models import Rating, RatingInvitation, StopRating
from tests.factories import (
    KnowledgeSessionFactory,
    PastTourFactory,
    RegistrationFactory,
    StopFactory,
    past_datetime,
)


def invite(registration: Registration, *, expires_in: dt.timedelta = dt.timedelta(days=30)) -> str:
    token, token_hash = services.new_token()
    now = timezone.now()
    RatingInvitation.objects.create(
        registration=registration, token_hash=token_hash, sent_at=now, expires_at=now + expires_in
    )
    return token


@pytest.fixture
def tour_with_stops():
    tour = PastTourFactory(title="Wijktour Bos en Lommer")
    stops = [StopFactory(tour=tour, position=n, partner__name=f"Partner {n}") for n in (1, 2, 3)]
    registration = RegistrationFactory(activity=tour, status=Registration.Status.ATTENDED)
    return tour, stops, registration


@pytest.mark.django_db
def test_get_shows_form_and_uses_nothing_up(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    token = invite(registration)

    first = client.get(f"/ratings/{token}/")
    second = client.get(f"/ratings/{token}/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "no-store" in first.headers["Cache-Control"]
    assert "Hoe was Wijktour Bos en Lommer?" in first.text
    assert "Zou je bewoners nu doorverwijzen naar Partner 2?" in first.text
    assert "schrijf nooit iets over cliënten of patiënten" in first.text
    assert 'name="consent_to_share"' in first.text
    assert 'name="consent_to_share" checked' not in first.text
    assert RatingInvitation.objects.get().used_at is None
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_post_saves_rating_with_stops(client, tour_with_stops):
    tour, stops, registration = tour_with_stops
    token = invite(registration)

    response = client.post(
        f"/ratings/{token}/",
        {
            "grade": "9",
            f"stop_{stops[0].pk}_grade": "8",
            f"stop_{stops[0].pk}_refer": "yes",
            f"stop_{stops[1].pk}_grade": "6",
            f"stop_{stops[1].pk}_refer": "maybe",
            "most_valuable": "De korte lijntjes",
            "comment": "Mooie route",
            "consent_to_share": "on",
        },
    )

    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.activity_id, rating.grade, rating.source) == (tour.pk, 9, "link")
    assert rating.rater_domain == registration.domain
    assert (rating.comment, rating.consent_to_share) == ("Mooie route", True)
    assert sorted(StopRating.objects.values_list("stop_id", "grade", "would_refer")) == [
        (stops[0].pk, 8, "yes"),
        (stops[1].pk, 6, "maybe"),
    ]
    assert RatingInvitation.objects.get().used_at is not None


@pytest.mark.django_db
def test_resubmit_updates_the_same_rating(client, tour_with_stops):
    _tour, stops, registration = tour_with_stops
    token = invite(registration)
    client.post(f"/ratings/{token}/", {"grade": "6", f"stop_{stops[0].pk}_grade": "5"})

    client.post(f"/ratings/{token}/", {"grade": "8", f"stop_{stops[1].pk}_grade": "9"})

    assert list(Rating.objects.values_list("grade", flat=True)) == [8]
    assert list(StopRating.objects.values_list("stop_id", "grade")) == [(stops[1].pk, 9)]
    page = client.get(f"/ratings/{token}/")
    assert "Je hebt deze activiteit al beoordeeld" in page.text


@pytest.mark.django_db
def test_expired_token_shows_clear_message(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    token = invite(registration, expires_in=dt.timedelta(seconds=-1))

    get = client.get(f"/ratings/{token}/")
    post = client.post(f"/ratings/{token}/", {"grade": "8"})

    assert (get.status_code, post.status_code) == (410, 410)
    assert "Deze beoordelingslink is verlopen op" in get.text
    assert Rating.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "x" * 300, "%00"])
def test_invalid_token_shows_clear_message(client, token):
    response = client.get(f"/ratings/{token}/")

    assert response.status_code == 404
    assert "Deze beoordelingslink is niet geldig" in response.text


@pytest.mark.django_db
def test_token_of_cancelled_registration_no_longer_works(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    token = invite(registration)
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")

    assert client.get(f"/ratings/{token}/").status_code == 410


@pytest.mark.django_db
@pytest.mark.parametrize("grade", ["0", "11", "8.5", "acht", "", "-3"])
def test_bad_overall_grade_gets_message_not_500(client, tour_with_stops, grade):
    _tour, _stops, registration = tour_with_stops
    token = invite(registration)

    response = client.post(f"/ratings/{token}/", {"grade": grade})

    assert response.status_code == 400
    assert "Controleer deze velden" in response.text
    assert "<title>Fout: " in response.text
    assert ("Geef een heel getal van 1 tot en met 10." in response.text) or (
        "Geef een cijfer van 1 tot 10." in response.text
    )
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_bad_stop_grade_and_refer_answer_get_messages(client, tour_with_stops):
    _tour, stops, registration = tour_with_stops
    token = invite(registration)

    response = client.post(
        f"/ratings/{token}/",
        {"grade": "8", f"stop_{stops[0].pk}_grade": "12", f"stop_{stops[0].pk}_refer": "wellicht"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"stop_{stops[0].pk}_grade": ["Geef een heel getal van 1 tot en met 10."],
        f"stop_{stops[0].pk}_refer": ["Antwoord ja, misschien of nee."],
    }
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_stop_of_another_tour_is_refused(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    other_stop = StopFactory()
    token = invite(registration)

    response = client.post(f"/ratings/{token}/", {"grade": "8", f"stop_{other_stop.pk}_grade": "9"})

    assert response.status_code == 400
    assert "Het formulier noemt een halte die niet bij deze wijktour hoort." in response.text
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_submit_rating_service_refuses_foreign_stop_and_writes_nothing(tour_with_stops):
    tour, _stops, registration = tour_with_stops
    token = invite(registration)
    invitation = services.invitation_for_token(token=token)
    foreign = StopFactory()

    with pytest.raises(services.RatingError):
        services.submit_rating(
            activity=tour,
            invitation=invitation,
            grade=8,
            stops=[services.StopAnswer(stop_id=foreign.pk, grade=8, would_refer="yes")],
        )

    assert Rating.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("grade", [0, 11, 8.5, "8", True])
def test_submit_rating_service_refuses_non_grades(tour_with_stops, grade):
    tour, _stops, _registration = tour_with_stops

    with pytest.raises(services.RatingError):
        services.submit_rating(activity=tour, grade=grade)


@pytest.mark.django_db
def test_consent_is_not_kept_without_a_comment(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    token = invite(registration)

    client.post(f"/ratings/{token}/", {"grade": "7", "consent_to_share": "on"})

    assert Rating.objects.get().consent_to_share is False


@pytest.mark.django_db
def test_form_in_registrants_language(client, tour_with_stops):
    _tour, _stops, registration = tour_with_stops
    Registration.objects.filter(pk=registration.pk).update(language="en")
    token = invite(registration)

    response = client.get(f"/ratings/{token}/")

    assert "How was Wijktour Bos en Lommer?" in response.text


@pytest.mark.django_db
def test_device_link_gives_one_rating_per_device(client):
    session = KnowledgeSessionFactory(starts_at=past_datetime(1), title="Kenniscafé Dementie")
    url = urlsplit(services.device_url(activity=session)).path

    assert client.get(url).status_code == 200
    client.post(url, {"grade": "7"})
    client.post(url, {"grade": "9"})
    other_device = client.__class__()
    other_device.post(url, {"grade": "6"})

    assert sorted(Rating.objects.values_list("grade", "source", "registration")) == [
        (6, "device", None),
        (9, "device", None),
    ]


@pytest.mark.django_db
def test_device_link_with_bad_signature_is_refused(client):
    session = KnowledgeSessionFactory(starts_at=past_datetime(1))

    response = client.get(f"/ratings/activity/{session.pk}/device/forged/")

    assert response.status_code == 404
    assert "Deze beoordelingslink is niet geldig." in response.text


@pytest.mark.django_db
def test_device_link_closed_long_after_the_activity(client):
    session = KnowledgeSessionFactory(starts_at=past_datetime(60))
    url = urlsplit(services.device_url(activity=session)).path

    assert client.post(url, {"grade": "8"}).status_code == 410
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_post_over_rate_limit_is_refused_with_message(client, settings, tour_with_stops):
    settings.RATINGS_RATE_LIMIT = "2/600"
    _tour, _stops, registration = tour_with_stops
    token = invite(registration)

    statuses = [client.post(f"/ratings/{token}/", {"grade": "11"}).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]
    assert Rating.objects.count() == 0
