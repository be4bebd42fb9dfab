import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from activities.domain_mix import DomainMixRow, DomainNumbersField, domain_mix_rows
from tests.factories import CoordinatorFactory, KnowledgeSessionFactory, WorkspaceFactory


def test_domain_mix_rows_counts_seats_from_caps_and_reservations():
    with translation.override("nl"):
        rows = domain_mix_rows(capacity=18, caps={"medisch": 60}, reserved={"sociaal": 5})

    assert rows == [
        DomainMixRow("medisch", "Medisch / zorg", 60, 10, 0),
        DomainMixRow("sociaal", "Sociaal domein", None, None, 5),
    ]


def test_domain_numbers_field_keeps_only_filled_domains():
    field = DomainNumbersField(maximum=100)

    assert field.clean(["60", "", "", "", "", "", "", "", ""]) == {"medisch": 60}
    assert field.clean(["", "", "", "", "", "", "", "", ""]) == {}


def test_domain_numbers_field_names_the_domain_in_its_error():
    field = DomainNumbersField(maximum=100)

    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        field.clean(["", "140", "", "", "", "", "", "", ""])

    assert "Sociaal domein: geef een heel getal van 0 tot en met 100." in str(raised.value)


@pytest.mark.django_db
def test_session_form_shows_number_per_domain_and_seat_counts_not_json(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    session = KnowledgeSessionFactory(
        workspace=workspace, capacity=20, domain_caps={"medisch": 60}, domain_reserved={"wonen": 2}
    )

    response = client.get(
        reverse("knowledge_sessions:manage_edit", args=[session.pk]),
        headers={"accept-language": "nl"},
    )
    text = response.content.decode()

    assert 'name="domain_caps_medisch"' in text
    assert 'name="domain_reserved_wonen"' in text
    assert "12 plaatsen (60%)" in text
    assert "2 plaatsen" in text
    assert "{&quot;" not in text and '{"' not in text and "{'" not in text


@pytest.mark.django_db
def test_attendee_page_shows_seat_rules_not_a_dict(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    session = KnowledgeSessionFactory(
        workspace=workspace, capacity=10, domain_caps={"medisch": 50}, domain_reserved={}
    )

    response = client.get(
        reverse("activities:attendees", args=[session.pk]), headers={"accept-language": "nl"}
    )
    text = response.content.decode()

    assert "5 plaatsen (50%)" in text
    assert "{&#x27;" not in text and "{'" not in text


def test_domain_numbers_field_message_follows_the_active_language():
    field = DomainNumbersField(maximum=100)

    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            field.clean(["-1", "", "", "", "", "", "", "", ""])
        text = str(raised.value)

    assert "Medical / care: give a whole number from 0 to 100." in text
