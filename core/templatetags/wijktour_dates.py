from django import template
from django.utils import timezone

from core.formatting import abbr_date as format_abbr_date

register = template.Library()


@register.filter(expects_localtime=True)
def abbr_date(value, format_string: str = "j M Y") -> str:
    """`{{ when|abbr_date:"j M Y" }}`: "3 mrt 2027" in Dutch, "3 Mar 2027" in English."""
    if value is None or value == "":
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return format_abbr_date(value, format_string)
