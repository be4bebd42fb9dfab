from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share 0..1 as a localised whole percentage ("83 %"), or a dash when unknown."""
    if share is None:
        return "–"
    return f"{floatformat(share * 100, 0)} %"


@register.filter
def get_item(mapping: dict | None, key):
    return None if mapping is None else mapping.get(key)
