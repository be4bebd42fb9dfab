from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tours.services import clock as format_clock
from tours.services import problem_message

register = template.Library()


@register.filter
def km(metres: int | None) -> str:
    """12345 -> '12,3 km' (localised decimal separator)."""
    return f"{number_format((metres or 0) / 1000, 1)} km"


@register.filter
def duration(seconds: int | None) -> str:
    """4500 -> '1 h 15 min'; under an hour only minutes."""
    minutes = round((seconds or 0) / 60)
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)s min") % {"hours": minutes // 60, "minutes": minutes % 60}


@register.filter
def problem_text(problem: dict) -> str:
    return problem_message(problem)


@register.filter
def clock(seconds: int | None) -> str:
    return format_clock(seconds)
