from urllib.parse import urlsplit

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tile_host() -> str:
    """The one outside host pages talk to (map tiles), for the privacy notice."""
    return urlsplit(settings.MAP_TILE_URL.replace("{s}", "a")).hostname or ""


@register.filter
def audit_line(entry) -> str:
    """An audit entry's line in the reader's language (privacy.display)."""
    from privacy.display import audit_line as line

    return line(entry)
