"""Forms that can reach an accreditation constraint say why, per field, never the name."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from accreditation.forms import AccreditationForm, BreakForm
from accreditation.models import Accreditation, Break
from tests.factories import KnowledgeSessionFactory


def accreditation_data(**overrides) -> dict:
    return {"registry": "big", "status": "granted", "points": "2", "hours": "", **overrides}


@pytest.mark.django_db
def test_accreditation_form_negative_points_shows_sentence():
    instance = Accreditation(activity=KnowledgeSessionFactory())

    with translation.override("nl"):
        form = AccreditationForm(accreditation_data(points="-1"), instance=instance)
        valid = form.is_valid()
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}

    assert not valid
    assert errors == {"points": ["Punten kunnen niet negatief zijn."]}
    assert "accreditation_points_not_negative" not in str(form.errors)


@pytest.mark.django_db
def test_accreditation_form_zero_hours_shows_sentence():
    instance = Accreditation(activity=KnowledgeSessionFactory())

    with translation.override("nl"):
        form = AccreditationForm(accreditation_data(hours="0"), instance=instance)
        valid = form.is_valid()
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}

    assert not valid
    assert errors == {"hours": ["Uren moeten meer dan nul zijn."]}
    assert "accreditation_hours_positive" not in str(form.errors)


@pytest.mark.django_db
def test_break_form_end_before_start_shows_sentence():
    session = KnowledgeSessionFactory()
    start = timezone.localtime(session.starts_at) + dt.timedelta(minutes=30)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
    }

    with translation.override("nl"):
        form = BreakForm(data, instance=Break(activity=session))
        valid = form.is_valid()
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}

    assert not valid
    assert errors == {"ends_at": ["Een pauze moet eindigen na het begin."]}
    assert "break_ends_after_start" not in str(form.errors)
