from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, numberformat

register = template.Library()


@register.filter
def grade(value: float | None, digits: int = 1) -> str:
    """A grade in the active language's number format: 8,4 in Dutch, 8.4 in English.

    Like `floatformat` (negative digits drop a zero fraction: 8 but 7,5), at a fraction of
    its cost, which matters in tables of hundreds of activities.
    """
    if value is None:
        return "–"
    digits = int(digits)
    places = abs(digits)
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if digits < 0 and rounded == rounded.to_integral_value():
        places = 0
    return numberformat.format(
        rounded, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos=places, use_l10n=True
    )


@register.filter
def percent(share: float | None) -> str:
    """A share 0..1 as a localised whole percentage ("83 %"), or a dash when unknown."""
    if share is None:
        return "–"
    return f"{grade(share * 100, 0)} %"
