import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from network.models import Partner
from network.services import (
    Window,
    create_partner,
    deactivate_partner,
    parse_windows,
    reactivate_partner,
    save_contact,
    update_partner,
)
from tests.factories import (
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    WorkspaceFactory,
)


def partner_fields(**overrides) -> dict:
    fields = {
        "name": "Buurthuis Het Anker",
        "domain": "welzijn",
        "address": "Javastraat 10",
        "postcode": "1094ab",
        "city": "Amsterdam",
        "latitude": 52.3625,
        "longitude": 4.939,
        "phone": "020-6651234",
        "referral_info": "Loop binnen.",
    }
    return fields | overrides


@pytest.mark.django_db
def test_create_partner_normalises_and_links_relations():
    workspace = WorkspaceFactory()
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    theme = ThemeFactory(slug="taal")

    partner = create_partner(
        workspace=workspace,
        fields=partner_fields(),
        themes=[theme],
        neighbourhoods=[neighbourhood],
        windows=[Window(0, dt.time(9), dt.time(12))],
    )

    partner.refresh_from_db()
    assert partner.slug == "buurthuis-het-anker"
    assert partner.postcode == "1094 AB"
    assert partner.phone == "+31 20 665 1234"
    assert list(partner.themes.all()) == [theme]
    assert list(partner.neighbourhoods.all()) == [neighbourhood]
    assert [str(w) for w in partner.visiting_windows.all()] == ["maandag 09:00–12:00"]


@pytest.mark.django_db
def test_create_partner_makes_unique_slug_when_name_repeats():
    workspace = WorkspaceFactory()
    create_partner(workspace=workspace, fields=partner_fields())

    second = create_partner(workspace=workspace, fields=partner_fields())

    assert second.slug == "buurthuis-het-anker-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "10944 AB"),
        ("postcode", "1094 SS"),
        ("phone", "12345"),
        ("latitude", 48.85),  # Paris: outside the Netherlands' box
        ("longitude", 200.0),
        ("website", "not a url"),
        ("domain", "astrology"),
    ],
)
def test_create_partner_rejects_bad_field(field, value):
    workspace = WorkspaceFactory()

    with pytest.raises(ValidationError) as caught:
        create_partner(workspace=workspace, fields=partner_fields(**{field: value}))

    assert list(caught.value.message_dict) == [field]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_create_partner_rejects_taken_slug():
    PartnerFactory(slug="het-anker")

    with pytest.raises(ValidationError) as caught:
        create_partner(workspace=WorkspaceFactory(), fields=partner_fields(slug="het-anker"))

    assert list(caught.value.message_dict) == ["slug"]


@pytest.mark.django_db
def test_create_partner_rejects_neighbourhood_of_other_workspace():
    with pytest.raises(ValidationError) as caught:
        create_partner(
            workspace=WorkspaceFactory(),
            fields=partner_fields(),
            neighbourhoods=[NeighbourhoodFactory()],
        )

    assert list(caught.value.message_dict) == ["neighbourhoods"]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_create_partner_rejects_window_closing_before_opening():
    with pytest.raises(ValidationError) as caught:
        create_partner(
            workspace=WorkspaceFactory(),
            fields=partner_fields(),
            windows=[Window(1, dt.time(14), dt.time(13))],
        )

    assert list(caught.value.message_dict) == ["visiting_windows"]


@pytest.mark.django_db
def test_update_partner_keeps_relations_not_given():
    theme = ThemeFactory()
    partner = PartnerFactory(themes=[theme])

    update_partner(partner=partner, fields={"name": "Nieuwe naam"})

    partner.refresh_from_db()
    assert partner.name == "Nieuwe naam"
    assert list(partner.themes.all()) == [theme]


@pytest.mark.django_db
def test_update_partner_replaces_windows():
    partner = PartnerFactory()
    update_partner(partner=partner, fields={}, windows=[Window(2, dt.time(13), dt.time(16))])

    update_partner(partner=partner, fields={}, windows=[Window(4, dt.time(9), dt.time(10))])

    assert list(partner.visiting_windows.values_list("weekday", "opens_at")) == [(4, dt.time(9))]


@pytest.mark.django_db
def test_update_partner_bad_value_leaves_row_unchanged():
    partner = PartnerFactory(postcode="1094 HW")

    with pytest.raises(ValidationError):
        update_partner(partner=partner, fields={"postcode": "nope"})

    partner.refresh_from_db()
    assert partner.postcode == "1094 HW"


@pytest.mark.django_db
def test_deactivate_and_reactivate_partner():
    partner = PartnerFactory()

    deactivate_partner(partner=partner)
    partner.refresh_from_db()
    assert partner.is_active is False

    reactivate_partner(partner=partner)
    partner.refresh_from_db()
    assert partner.is_active is True


@pytest.mark.django_db
def test_save_contact_normalises_phone_and_rejects_bad_email():
    partner = PartnerFactory()

    contact = save_contact(
        partner=partner, fields={"name": "Ans", "role": "", "phone": "0612345678", "email": ""}
    )
    assert contact.phone == "+31 6 12345678"

    with pytest.raises(ValidationError) as caught:
        save_contact(partner=partner, fields={"name": "Bo", "email": "bo@"})
    assert list(caught.value.message_dict) == ["email"]


@pytest.mark.django_db
def test_database_refuses_window_closing_before_opening():
    partner = PartnerFactory()

    with pytest.raises(IntegrityError):
        partner.visiting_windows.create(weekday=0, opens_at=dt.time(12), closes_at=dt.time(11))


def test_parse_windows_accepts_english_and_dutch_days():
    assert parse_windows("mon 09:00-12:00; wo 13:00 - 16:30") == [
        Window(0, dt.time(9), dt.time(12)),
        Window(2, dt.time(13), dt.time(16, 30)),
    ]


@pytest.mark.parametrize(
    "text", ["monday 9-12", "mon 12:00-09:00", "xx 09:00-10:00", "mon 25:00-26:00"]
)
def test_parse_windows_rejects_bad_text(text):
    with pytest.raises(ValueError):
        parse_windows(text)
