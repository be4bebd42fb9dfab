"""Turn activities, tour stops and registrations into `FeedEvent`s for feeds/ical.py.

Texts are written in the feed's language (call inside `translation.override`). Public feeds
never carry contacts, registrants or cancel links; a personal feed adds only what the
registrant is entitled to (the online link of a kenniscafé they hold a seat for).
"""

import dataclasses
import datetime as dt
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, ngettext

from accreditation.selectors import accreditation_lines
from activities.models import Activity
from feeds.ical import AMSTERDAM, FeedEvent, activity_uid, serialise_calendar, stop_uid
from feeds.selectors import FeedRow, ProgrammeStop, ThemeName, address_line, feed_rows
from network.models import Partner
from tours.models import Stop, Tour

# Any id: the detail paths are reversed once with it and filled in per activity.
PATH_SENTINEL = 987654321


@lru_cache(maxsize=512)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext, remembered per language: a feed asks for the same few labels a thousand
    times, and each lookup walks the thread-local translation state."""
    return _translated(get_language(), message)


def uid_host() -> str:
    """The domain in every UID. Keep it fixed (FEEDS_UID_HOST) when the site moves, or
    every subscriber gets every event twice."""
    return (
        getattr(settings, "FEEDS_UID_HOST", "")
        or urlsplit(settings.SITE_URL).hostname
        or "wijktour"
    )


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def local_time(moment: dt.datetime) -> str:
    local = moment.astimezone(AMSTERDAM)
    # "%H:%M" by hand: strftime was a tenth of building a feed.
    return f"{local.hour:02}:{local.minute:02}"


@lru_cache(maxsize=64)
def _detail_path(view_name: str, urlconf: str | None, prefix: str) -> tuple[str, str]:
    before, _sentinel, after = reverse(view_name, kwargs={"pk": PATH_SENTINEL}).partition(
        str(PATH_SENTINEL)
    )
    return before, after


def activity_path(activity: Activity) -> str:
    """`activity.get_absolute_url()` without resolving the URL pattern for every event."""
    view_name = (
        "tours:detail" if activity.kind == Activity.Kind.TOUR else "knowledge_sessions:detail"
    )
    before, after = _detail_path(view_name, get_urlconf(), get_script_prefix())
    return f"{before}{activity.pk}{after}"


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def theme_names(themes: list[ThemeName], *, language: str) -> tuple[str, ...]:
    return tuple((t.name_en or t.name) if language == "en" else t.name for t in themes)


def partner_address(partner: Partner) -> str:
    return address_line(partner.address, partner.postcode, partner.city)


def activity_location(activity: Activity) -> str:
    partner = activity.venue_partner
    name = activity.venue_name or (partner.name if partner else "")
    address = activity.venue_address or (partner_address(partner) if partner else "")
    return ", ".join(part for part in (name, address) if part)


def activity_coordinates(activity: Activity) -> tuple[float | None, float | None]:
    if activity.latitude is not None and activity.longitude is not None:
        return activity.latitude, activity.longitude
    if activity.venue_partner is not None:
        return activity.venue_partner.latitude, activity.venue_partner.longitude
    return None, None


def child(activity: Activity) -> Activity:
    """The tour or kenniscafé row behind an activity (already selected, no query)."""
    for name in ("tour", "knowledgesession"):
        try:
            return getattr(activity, name)
        except Activity._meta.get_field(name).related_model.DoesNotExist:
            continue
    return activity


def tour_programme(activity: Activity, tour: Tour, *, stops: list[ProgrammeStop]) -> list[str]:
    meeting_point = _("Meeting point")
    location = activity_location(activity) or "—"
    lines = [f"{local_time(activity.starts_at)} {meeting_point}: {location}"]
    for stop in stops:
        if stop.arrives_at and stop.departs_at:
            when = f"{local_time(stop.arrives_at)}–{local_time(stop.departs_at)}"
        else:
            when = "     "
        lines.append(f"{when} {stop.partner_name}, {stop.partner_address}")
    end = tour.end_name or (tour.end_partner.name if tour.end_partner_id else "")
    end_line = ", ".join(part for part in (end, tour.end_address) if part)
    end_label = _("End")
    lines.append(
        f"{local_time(activity.ends_at)} {end_label}" + (f": {end_line}" if end_line else "")
    )
    return lines


def activity_description(
    activity: Activity, *, stops: list[ProgrammeStop], url: str, personal: bool = False
) -> str:
    """The programme as calendar clients show it: plain text, the times in Amsterdam."""
    detail = child(activity)
    parts: list[str] = []
    if activity.description:
        parts.append(activity.description.strip())
    if isinstance(detail, Tour):
        parts.append(
            _("Programme") + ":\n" + "\n".join(tour_programme(activity, detail, stops=stops))
        )
        if detail.what_to_bring:
            parts.append(_("What to bring") + f": {detail.what_to_bring.strip()}")
        if detail.bad_weather_rule:
            parts.append(_("Bad weather") + f": {detail.bad_weather_rule.strip()}")
    elif hasattr(detail, "programme"):
        if detail.speakers:
            parts.append(_("Speakers") + f": {detail.speakers.strip()}")
        if detail.programme:
            parts.append(_("Programme") + f":\n{detail.programme.strip()}")
        if personal and detail.online_url:
            parts.append(_("Online") + f": {detail.online_url}")
    accreditations = accreditation_lines(activity)
    if accreditations:
        parts.append(_("Accreditation") + ": " + "; ".join(accreditations))
    if activity.status == Activity.Status.CANCELLED:
        parts.insert(0, _("This activity has been cancelled."))
    parts.append(_("More information") + f": {url}")
    return "\n\n".join(parts)


def activity_event(row: FeedRow, *, language: str, personal: bool = False) -> FeedEvent:
    activity = row.activity
    latitude, longitude = activity_coordinates(activity)
    url = absolute(activity_path(activity))
    return FeedEvent(
        uid=activity_uid(activity_id=activity.pk, host=uid_host()),
        summary=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        sequence=activity.sequence,
        created=activity.created_at,
        last_modified=activity.updated_at,
        cancelled=activity.status == Activity.Status.CANCELLED,
        location=activity_location(activity),
        latitude=latitude,
        longitude=longitude,
        url=url,
        description=activity_description(activity, stops=row.stops, url=url, personal=personal),
        categories=theme_names(row.themes, language=language),
    )


def stop_event(stop: Stop, *, themes: list[ThemeName], language: str) -> FeedEvent:
    """A partner's own stop during a tour: their address, arrival to departure, with the
    group size and who leads the group — what the host needs to prepare."""
    tour = stop.tour
    ends_at = stop.departs_at
    if ends_at <= stop.arrives_at:
        ends_at = stop.arrives_at + dt.timedelta(minutes=stop.visit_minutes)
    group_size = getattr(stop, "group_size", 0)
    lines = [
        _("Wijktour %(title)s visits %(partner)s.")
        % {"title": tour.title, "partner": stop.partner.name},
        _("Arrival %(arrival)s, departure %(departure)s.")
        % {"arrival": local_time(stop.arrives_at), "departure": local_time(ends_at)},
        ngettext(
            "Group size: %(count)d registration", "Group size: %(count)d registrations", group_size
        )
        % {"count": group_size},
    ]
    coordinator = person_name(tour.coordinator)
    if coordinator:
        lines.append(_("Coordinator: %(name)s") % {"name": coordinator})
    if stop.programme:
        lines.append(_("Programme at your stop") + f":\n{stop.programme.strip()}")
    if tour.status == Activity.Status.CANCELLED:
        lines.insert(0, _("This activity has been cancelled."))
    lines.append(_("More information") + f": {absolute(tour.get_absolute_url())}")
    return FeedEvent(
        uid=stop_uid(stop_id=stop.pk, host=uid_host()),
        summary=_("Wijktour visit: %(title)s") % {"title": tour.title},
        starts_at=stop.arrives_at,
        ends_at=ends_at,
        sequence=stop.sequence + tour.sequence,
        created=tour.created_at,
        last_modified=tour.updated_at,
        cancelled=tour.status == Activity.Status.CANCELLED,
        location=f"{stop.partner.name}, {partner_address(stop.partner)}",
        latitude=stop.partner.latitude,
        longitude=stop.partner.longitude,
        url=absolute(tour.get_absolute_url()),
        description="\n".join(lines),
        categories=theme_names(themes, language=language),
    )


def activity_mail_event(*, activity_id: int, language: str) -> FeedEvent:
    """One activity's VEVENT for mail, as the feeds and the download write it (call inside
    `translation.override(language)`); build it once per language when mailing many."""
    [row] = feed_rows(Activity.objects.filter(pk=activity_id))
    return activity_event(row, language=language)


def calendar_file(
    *, event: FeedEvent, language: str, method: str = "PUBLISH", attendees: tuple[str, ...] = ()
) -> bytes:
    """The .ics every mail attaches: same UID and SEQUENCE as the feeds, so calendar apps
    replace the entry in place. REQUEST and CANCEL name the organiser and the attendee, as
    RFC 5546 asks."""
    if method in ("REQUEST", "CANCEL"):
        event = dataclasses.replace(
            event, organizer=parseaddr(settings.DEFAULT_FROM_EMAIL)[1], attendees=attendees
        )
    return serialise_calendar(name=event.summary, events=[event], language=language, method=method)


def activity_calendar_file(
    *, activity_id: int, language: str, method: str = "PUBLISH", attendees: tuple[str, ...] = ()
) -> bytes:
    event = activity_mail_event(activity_id=activity_id, language=language)
    return calendar_file(event=event, language=language, method=method, attendees=attendees)
