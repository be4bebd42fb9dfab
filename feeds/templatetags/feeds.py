"""Template helpers for calendar links: webcal:// subscriptions, Google/Outlook links, and
the partner agenda of imported events."""

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import reverse

from feeds import selectors

register = template.Library()


def absolute_url(path: str) -> str:
    return path if "://" in path else settings.SITE_URL + path


@register.filter
def webcal(path: str) -> str:
    """A feed path or URL as a webcal:// link, which calendar apps open as a subscription."""
    parts = urlsplit(absolute_url(path))
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))


@register.filter
def absolute(path: str) -> str:
    return absolute_url(path)


@register.simple_tag
def neighbourhood_feed_url(neighbourhood) -> str:
    return reverse("feeds:neighbourhood", kwargs={"slug": neighbourhood.slug})


@register.simple_tag
def partner_feed_url(partner) -> str:
    return reverse("feeds:partner", kwargs={"slug": partner.slug})


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@register.simple_tag
def google_calendar_url(activity) -> str:
    """Google Calendar's "add event" page, prefilled. A plain link: nothing loads from
    Google unless the visitor follows it."""
    query = {
        "action": "TEMPLATE",
        "text": activity.title,
        "dates": f"{utc_stamp(activity.starts_at)}/{utc_stamp(activity.ends_at)}",
        "details": absolute_url(activity.get_absolute_url()),
        "location": activity.venue_address or activity.venue_name,
        "ctz": "Europe/Amsterdam",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


@register.simple_tag
def outlook_calendar_url(activity) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": activity.title,
        "startdt": activity.starts_at.astimezone(dt.UTC).isoformat(),
        "enddt": activity.ends_at.astimezone(dt.UTC).isoformat(),
        "body": absolute_url(activity.get_absolute_url()),
        "location": activity.venue_address or activity.venue_name,
    }
    return "https://outlook.office.com/calendar/deeplink/compose?" + urlencode(query)


@register.simple_tag
def partner_agenda(partner=None, neighbourhood=None, limit: int = 10) -> list:
    """Upcoming imported events for a partner, a neighbourhood, or everywhere."""
    return selectors.upcoming_imported_events(
        partner=partner or None, neighbourhood=neighbourhood or None, limit=limit
    )
