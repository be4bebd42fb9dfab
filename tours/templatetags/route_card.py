from django import template
from django.utils.formats import number_format

from tours.route_card import route_card as build_route_card

register = template.Library()


@register.inclusion_tag("tours/_route_card.html")
def route_card(tour, stops):
    """{% route_card tour stops %}: the turn-by-turn card of a composed tour."""
    return {"tour": tour, "card": build_route_card(tour, list(stops))}


@register.filter
def distance(metres: int | None) -> str:
    """Cue-sheet distance: 80 -> '80 m', 1234 -> '1,23 km'."""
    metres = metres or 0
    if metres < 1000:
        return f"{round(metres / 10) * 10} m"
    return f"{number_format(metres / 1000, 2)} km"
