"""Small form helpers every app uses."""

from django import forms


def name_blank_choice(field: forms.ChoiceField, label: str) -> None:
    """Replace Django's "---------" / "- Select an option -" with words that say what to
    choose ("Kies een domein")."""
    field.choices = [("", label), *[(v, text) for v, text in field.choices if v not in ("", None)]]
