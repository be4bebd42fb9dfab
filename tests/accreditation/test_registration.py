import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from accreditation.models import Accreditation, RegistrationRegistryNumber
from activities.models import Registration
from tests.factories import TourFactory

FORM = {
    "name": "Jan de Boer",
    "email": "jan@huisarts.example.org",
    "organisation": "Huisartsenpraktijk Dapper",
    "profession": "huisarts",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def post(client, activity, **extra):
    client.cookies["django_language"] = "en"
    return client.post(reverse("activities:register", args=[activity.pk]), {**FORM, **extra})


@pytest.mark.django_db
def test_register_page_asks_numbers_only_of_accredited_registries(client, session):
    html = client.get(reverse("activities:register", args=[session.pk])).content.decode()

    assert 'name="registry_big"' in html
    assert 'name="registry_registerplein"' in html
    assert 'name="registry_vv"' not in html
    assert html.index('name="registry_big"') < html.index('name="consent"')


@pytest.mark.django_db
def test_register_page_without_accreditation_asks_no_number(client):
    tour = TourFactory()

    html = client.get(reverse("activities:register", args=[tour.pk])).content.decode()

    assert "registry_" not in html


@pytest.mark.django_db
def test_register_with_big_number_normalised_and_stored(client, session):
    response = post(client, session, registry_big=" 0123 4567 890 ")

    registration = Registration.objects.get()
    assert response.status_code == 200
    assert list(registration.registry_numbers.values_list("registry", "number")) == [
        ("big", "01234567890")
    ]


@pytest.mark.django_db
def test_register_wrong_format_is_field_error_and_saves_nothing(client, session):
    response = post(client, session, registry_big="12345")

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "registry_big": ["A BIG number has 11 digits; “12345” does not."]
    }
    assert Registration.objects.count() == 0
    assert RegistrationRegistryNumber.objects.count() == 0


@pytest.mark.django_db
def test_register_number_for_profession_that_does_not_fit_is_refused(client, session):
    response = post(client, session, profession="wmo_consulent", registry_big="01234567890")

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["registry_big"]
    assert "not for your profession" in response.context["form"].errors["registry_big"][0]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_register_required_number_missing_is_refused_only_if_profession_fits(client, session):
    Accreditation.objects.filter(activity=session, registry="big").update(number_required=True)

    refused = post(client, session)
    accepted = post(client, session, profession="sociaal_werker", email="s@example.org")

    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["registry_big"]
    assert accepted.status_code == 200
    assert Registration.objects.get().profession == "sociaal_werker"


@pytest.mark.django_db
def test_api_register_with_number_and_per_field_error(session):
    api = APIClient()
    url = f"/api/activities/{session.pk}/registrations/"
    payload = {**FORM, "consent": True, "language": "en"}

    bad = api.post(url, {**payload, "registry_big": "12"}, format="json")
    good = api.post(url, {**payload, "registry_big": "01234567890"}, format="json")

    assert bad.status_code == 400
    assert bad.json() == {"registry_big": ["Een BIG-nummer heeft 11 cijfers; “12” niet."]}
    assert good.status_code == 201
    assert RegistrationRegistryNumber.objects.get().number == "01234567890"


@pytest.mark.django_db
def test_api_register_number_for_registry_not_accredited_is_refused(session):
    api = APIClient()
    payload = {**FORM, "consent": True, "language": "en", "registry_skj": "123456"}

    response = api.post(f"/api/activities/{session.pk}/registrations/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["registry_skj"]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_registry_numbers_not_on_public_pages_or_api(client, session):
    post(client, session, registry_big="01234567890")

    detail = client.get(session.get_absolute_url()).content.decode()
    api = APIClient().get("/api/sessions/").content.decode()

    assert "01234567890" not in detail
    assert "01234567890" not in api
    assert '"accreditations"' in api
