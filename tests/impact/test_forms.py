"""Forms that can reach an impact constraint say why, per field, never the name."""

import pytest
from django.utils import translation

from impact.forms import SettingsForm, SignalForm
from impact.models import ImpactSettings
from tests.factories import WorkspaceFactory


def settings_errors(**data) -> dict[str, list[str]]:
    values = {"first_wave_days": "28", "second_wave_days": "91", "link_days": "21"}
    values |= {"reminder_days": "7", **data}
    with translation.override("nl"):
        form = SettingsForm(values, instance=ImpactSettings(workspace=WorkspaceFactory()))
        form.is_valid()
        return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@pytest.mark.django_db
def test_settings_form_first_wave_on_activity_day_shows_sentence():
    errors = settings_errors(first_wave_days="0")

    assert errors == {
        "first_wave_days": ["De eerste vervolgvraag moet minstens een dag na de activiteit komen."]
    }
    assert "impact_first_wave_after_activity" not in str(errors)


@pytest.mark.django_db
def test_settings_form_second_wave_before_first_shows_sentence():
    errors = settings_errors(first_wave_days="30", second_wave_days="20")

    assert errors == {"second_wave_days": ["De tweede vervolgvraag moet na de eerste komen."]}
    assert "impact_second_wave_after_first" not in str(errors)


@pytest.mark.django_db
def test_settings_form_reminder_after_link_expiry_shows_sentence():
    errors = settings_errors(link_days="7", reminder_days="7")

    assert errors == {
        "reminder_days": ["De herinnering moet verstuurd worden terwijl de link nog werkt."]
    }
    assert "impact_reminder_within_link_life" not in str(errors)


def test_signal_form_tour_count_above_total_shows_sentence():
    with translation.override("nl"):
        form = SignalForm(
            {"month": "2026-03", "via_professional": "3", "via_tour_participant": "5"}
        )
        form.is_valid()
        errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}

    assert errors == {
        "via_tour_participant": [
            "Dit kan niet meer zijn dan het aantal bewoners dat via een professional kwam."
        ]
    }
    assert "signal_tour_within_professional" not in str(errors)
