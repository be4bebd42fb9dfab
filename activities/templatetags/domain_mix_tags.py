from django import template

from activities.domain_mix import DomainMixRow, domain_mix_rows

register = template.Library()


@register.simple_tag
def domain_mix(activity) -> list[DomainMixRow]:
    """The activity's caps and reserved seats as rows of seat counts (never its JSON)."""
    return domain_mix_rows(
        capacity=activity.capacity, caps=activity.domain_caps, reserved=activity.domain_reserved
    )
