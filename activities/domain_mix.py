"""The domain mix of an activity in words and seat counts, and the form field that edits it.

An activity stores caps (`{"medisch": 60}`, percent of the capacity) and reserved seats
(`{"sociaal": 5}`) as JSON; nobody should ever have to type or read that JSON. The form field
shows one number box per domain, and `domain_mix_rows` turns the stored values into the seat
counts the seat rule in `activities.services.seat_refusal` will apply.
"""

import math
from dataclasses import dataclass

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from core.vocab import Domain


@dataclass(frozen=True)
class DomainMixRow:
    domain: str
    label: str
    cap_percent: int | None
    cap_seats: int | None
    reserved_seats: int


def domain_mix_rows(*, capacity: int, caps: dict, reserved: dict) -> list[DomainMixRow]:
    """One row per domain that has a cap or reserved seats, in the vocabulary's order."""
    rows = []
    for domain, label in Domain.choices:
        cap = (caps or {}).get(domain)
        seats = int((reserved or {}).get(domain) or 0)
        if cap is None and not seats:
            continue
        cap_seats = math.floor(capacity * float(cap) / 100) if cap is not None else None
        rows.append(
            DomainMixRow(
                domain=domain,
                label=str(label),
                cap_percent=int(cap) if cap is not None else None,
                cap_seats=cap_seats,
                reserved_seats=seats,
            )
        )
    return rows


class DomainNumbersWidget(forms.MultiWidget):
    """One labelled number box per domain, grouped in a fieldset (the field's label is the
    legend)."""

    template_name = "activities/widgets/domain_numbers.html"
    use_fieldset = True

    def __init__(self, *, unit: str = "", attrs: dict | None = None) -> None:
        self.unit = unit
        widgets = {
            domain: forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "narrow"})
            for domain in Domain.values
        }
        super().__init__(widgets, attrs)

    def decompress(self, value) -> list:
        value = value or {}
        return [value.get(domain) for domain in Domain.values]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = dict(Domain.choices)
        for subwidget, domain in zip(context["widget"]["subwidgets"], Domain.values, strict=True):
            subwidget["label"] = labels[domain]
            subwidget["unit"] = self.unit
        return context


def _domain_number_text(domain: str, maximum: int | None) -> str:
    label = Domain(domain).label
    if maximum is None:
        return _("%(domain)s: give a whole number of 0 or more.") % {"domain": label}
    return _("%(domain)s: give a whole number from 0 to %(max)s.") % {
        "domain": label,
        "max": maximum,
    }


_domain_number_message = lazy(_domain_number_text, str)


class DomainNumbersField(forms.MultiValueField):
    """A `{domain: whole number}` dict from one optional number per domain; empty boxes are
    left out, so "no cap" and "nothing reserved" stay the empty dict."""

    def __init__(self, *, maximum: int | None = None, unit: str = "", **kwargs) -> None:
        fields = []
        for domain in Domain.values:
            # Lazy: the form class is built at import, the message is read per request.
            message = _domain_number_message(domain, maximum)
            validators = [MinValueValidator(0, message)]
            if maximum is not None:
                validators.append(MaxValueValidator(maximum, message))
            fields.append(
                forms.IntegerField(
                    required=False, validators=validators, error_messages={"invalid": message}
                )
            )
        kwargs.setdefault("required", False)
        super().__init__(
            fields=fields, require_all_fields=False, widget=DomainNumbersWidget(unit=unit), **kwargs
        )
        # The boxes carry no max attribute: a browser would then refuse the form silently
        # instead of letting us explain which domain is wrong.

    def compress(self, data_list) -> dict:
        if not data_list:
            return {}
        return {
            domain: number
            for domain, number in zip(Domain.values, data_list, strict=True)
            if number is not None
        }
