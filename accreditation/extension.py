"""The registration extension (see activities.extensions): ask a registry number only when the
activity is accredited by a registry that fits, validate it, save it with the registration."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accreditation.models import Accreditation, RegistrationRegistryNumber
from accreditation.registries import RULES, Registry, fits, validate_number
from core.vocab import Profession

PREFIX = "registry_"


def field_name(registry: str) -> str:
    return f"{PREFIX}{registry}"


def _active(activity) -> dict[str, Accreditation]:
    """The activity's accreditations that are not refused, by registry (one query, kept on the
    activity for the rest of the request)."""
    cached = getattr(activity, "_accreditations_by_registry", None)
    if cached is None:
        cached = {
            a.registry: a
            for a in Accreditation.objects.filter(activity_id=activity.pk).exclude(
                status=Accreditation.Status.REFUSED
            )
        }
        activity._accreditations_by_registry = cached
    return cached


def _profession_names(registry: str) -> str:
    labels = dict(Profession.choices)
    return ", ".join(
        str(labels[code]) for code in Profession.values if code in RULES[registry].professions
    )


class RegistryNumberExtension:
    def form_fields(self, *, activity) -> dict[str, forms.Field]:
        fields = {}
        for registry, accreditation in sorted(_active(activity).items()):
            rule = RULES[registry]
            help_text = _("For your accreditation points (%(professions)s): %(format)s.") % {
                "professions": _profession_names(registry),
                "format": rule.format_hint,
            }
            if accreditation.number_required:
                required = _("Required for these professions.")
                help_text = f"{help_text} {required}"
            fields[field_name(registry)] = forms.CharField(
                label=rule.number_label,
                required=False,
                max_length=30,
                help_text=help_text,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "autocomplete": "off",
                        "data-professions": " ".join(sorted(rule.professions)),
                    }
                ),
            )
        return fields

    def api_fields(self) -> dict[str, serializers.Field]:
        return {
            field_name(registry): serializers.CharField(
                required=False,
                allow_blank=True,
                max_length=30,
                help_text=str(RULES[registry].format_hint),
            )
            for registry in Registry.values
        }

    def clean(self, *, activity, profession: str, data) -> tuple[dict, dict[str, str]]:
        active = _active(activity)
        numbers: dict[str, str] = {}
        errors: dict[str, str] = {}
        for registry in Registry.values:
            name = field_name(registry)
            value = (data.get(name) or "").strip()
            label = Registry(registry).label
            if not value:
                accreditation = active.get(registry)
                if (
                    accreditation is not None
                    and accreditation.number_required
                    and profession
                    and profession != Profession.OTHER
                    and fits(registry=registry, profession=profession)
                ):
                    errors[name] = _("Give your %(label)s: it is needed for the points.") % {
                        "label": RULES[registry].number_label
                    }
                continue
            if registry not in active:
                errors[name] = _("This activity is not accredited by %(registry)s.") % {
                    "registry": label
                }
                continue
            if profession and not fits(registry=registry, profession=profession):
                errors[name] = _(
                    "A %(registry)s number is for %(professions)s, not for your profession."
                ) % {"registry": label, "professions": _profession_names(registry)}
                continue
            try:
                numbers[registry] = validate_number(registry=registry, value=value)
            except ValidationError as error:
                errors[name] = error.messages[0]
        return ({"registry_numbers": numbers} if numbers else {}), errors

    def created(self, *, registration, extra) -> None:
        numbers = extra.get("registry_numbers") or {}
        RegistrationRegistryNumber.objects.bulk_create(
            RegistrationRegistryNumber(registration=registration, registry=registry, number=number)
            for registry, number in sorted(numbers.items())
        )
