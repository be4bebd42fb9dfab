"""Every database constraint speaks to people: a violation shows a sentence, never its name."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    AccreditationFactory,
    CoordinatorFactory,
    KnowledgeSessionFactory,
    StopFactory,
    TourFactory,
    WorkspaceFactory,
)
from tours.forms import StopForm

PROJECT_APPS = {
    "core",
    "network",
    "activities",
    "tours",
    "knowledge_sessions",
    "ratings",
    "feeds",
    "accounts",
    "privacy",
    "ops",
    "accreditation",
    "changes",
    "impact",
    "opendata",
    "outbox",
}
DEFAULT_MESSAGE = str(BaseConstraint.default_violation_error_message)


def project_constraints():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for constraint in model._meta.constraints:
            yield model, constraint


def test_project_constraints_are_found():
    assert len(list(project_constraints())) >= 20


@pytest.mark.parametrize(
    ("model", "constraint"),
    list(project_constraints()),
    ids=lambda value: getattr(value, "name", None) or value.__name__,
)
def test_constraint_has_human_message_in_both_languages(model, constraint):
    with translation.override("en"):
        english = str(constraint.get_violation_error_message())
    with translation.override("nl"):
        dutch = str(constraint.get_violation_error_message())

    assert constraint.violation_error_message != BaseConstraint.default_violation_error_message
    assert constraint.name not in english
    assert constraint.name not in dutch
    assert english.endswith(".")
    assert dutch != english, f"no Dutch translation for {english!r}"


@pytest.mark.django_db
def test_stop_form_too_short_visit_shows_sentence():
    stop = StopFactory()

    with translation.override("nl"):
        form = StopForm({"visit_minutes": 2, "host": "", "programme": ""}, instance=stop)
        errors = str(form.errors)

    assert not form.is_valid()
    assert "Een bezoek duurt 5 tot 240 minuten." in errors
    assert "stop_visit_length_sane" not in errors
    assert "Beperking" not in errors


@pytest.mark.django_db
def test_stop_page_too_long_visit_shows_sentence(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    tour = TourFactory(workspace=workspace, neighbourhood__workspace=workspace)
    stop = StopFactory(tour=tour, partner__workspace=workspace)

    response = client.post(
        reverse("tours:manage_stop", args=[tour.pk, stop.pk]),
        {"visit_minutes": 500, "host": "", "programme": ""},
        headers={"accept-language": "nl"},
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert "Een bezoek duurt 5 tot 240 minuten." in text
    assert "stop_visit_length_sane" not in text


@pytest.mark.django_db
def test_session_negative_points_shows_sentence():
    accreditation = AccreditationFactory(points=1)
    accreditation.points = -1

    with translation.override("nl"):
        with pytest.raises(ValidationError) as raised:
            accreditation.validate_constraints()
        text = str(raised.value)

    assert "Punten kunnen niet negatief zijn." in text
    assert "accreditation_points_not_negative" not in text


@pytest.mark.django_db
def test_activity_ending_before_start_shows_sentence():
    session = KnowledgeSessionFactory()
    session.ends_at = session.starts_at - dt.timedelta(hours=1)

    with translation.override("nl"):
        with pytest.raises(ValidationError) as raised:
            session.full_clean()
        text = str(raised.value)

    assert "Het einde moet na het begin liggen." in text
    assert "activity_ends_after_start" not in text


@pytest.mark.django_db
def test_api_partner_bad_coordinates_shows_no_constraint_name(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.post(
        f"/api/partners/?workspace={workspace.slug}",
        {
            "name": "Buurtteam",
            "domain": "sociaal",
            "address": "Dapperstraat 1",
            "postcode": "1093 BS",
            "city": "Amsterdam",
            "latitude": 200,
            "longitude": 4.9,
        },
        content_type="application/json",
        headers={"accept-language": "nl"},
    )
    text = response.content.decode()

    assert response.status_code == 400
    assert "coordinates_in_range" not in text
    assert "latitude" in response.json()
