"""Kenniscafés: create, edit, publish, cancel, duplicate, and series of dates.

Attendee-relevant changes (time, place, cancellation) raise Activity.sequence and mail the
registrants an updated calendar entry; a larger capacity promotes from the waiting list.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import services as registration_services
from activities.models import Activity
from core.models import Workspace
from sessions.models import KnowledgeSession, SessionSeries

# Fields copied when duplicating or applying a change to the rest of a series.
COPIED_FIELDS = (
    "title",
    "description",
    "neighbourhood_id",
    "venue_partner_id",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "capacity",
    "waitlist_enabled",
    "domain_caps",
    "domain_reserved",
    "online_url",
    "speakers",
    "programme",
)


class SessionError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _save(session: KnowledgeSession, *, themes=None) -> KnowledgeSession:
    session.full_clean()
    session.save()
    if themes is not None:
        session.themes.set(themes)
    return session


def create_session(
    *, workspace: Workspace, data: dict[str, Any], themes=(), coordinator=None
) -> KnowledgeSession:
    """A new kenniscafé, as a draft unless `data` says otherwise."""
    with transaction.atomic():
        session = KnowledgeSession(
            workspace=workspace, coordinator=coordinator, kind=Activity.Kind.SESSION, **data
        )
        return _save(session, themes=themes)


def _after_change(
    session: KnowledgeSession, old_sequence: int, old_capacity: int, *, notify: bool = True
) -> None:
    if notify and session.status == Activity.Status.PUBLISHED and session.sequence != old_sequence:
        registration_services.notify_activity_changed(activity_id=session.pk)
    if session.capacity > old_capacity:
        registration_services.promote_waitlist(activity_id=session.pk)


def update_session(
    *, session: KnowledgeSession, data: dict[str, Any], themes=None, notify: bool = True
) -> KnowledgeSession:
    """Change one kenniscafé; registrants hear about changes that matter to them (unless
    `notify` is off because the change workflow of the changes app tells them, with a diff)."""
    with transaction.atomic():
        old_sequence, old_capacity = session.sequence, session.capacity
        for name, value in data.items():
            setattr(session, name, value)
        _save(session, themes=themes)
        _after_change(session, old_sequence, old_capacity, notify=notify)
        return session


def series_changes(
    *, session: KnowledgeSession, data: dict[str, Any]
) -> list[tuple[int, dict[str, Any]]]:
    """What "this and later dates" means, date by date: (session id, its own changes), the
    same fields and the new start time and duration on each date's own day."""
    changes: list[tuple[int, dict[str, Any]]] = [(session.pk, dict(data))]
    if session.series_id is None:
        return changes
    # The date being edited as it will be (a copy: nothing is saved here); setattr so that a
    # changed relation (`neighbourhood`) shows in its `_id` field too.
    edited = copy.copy(session)
    for name, value in data.items():
        setattr(edited, name, value)
    merged = {
        name: getattr(edited, name)
        for name in (*COPIED_FIELDS, "starts_at", "ends_at", "registration_deadline")
    }
    local_start = timezone.localtime(merged["starts_at"])
    duration = merged["ends_at"] - merged["starts_at"]
    deadline = merged["registration_deadline"]
    deadline_offset = merged["starts_at"] - deadline if deadline else None
    later = (
        KnowledgeSession.objects.filter(
            series_id=session.series_id, starts_at__gt=session.starts_at
        )
        .exclude(pk=session.pk)
        .exclude(status=Activity.Status.CANCELLED)
        .order_by("starts_at")
    )
    for other in later:
        other_day = timezone.localtime(other.starts_at).date()
        starts_at = timezone.make_aware(dt.datetime.combine(other_day, local_start.time()))
        other_changes = {name: merged[name] for name in COPIED_FIELDS}
        other_changes["starts_at"] = starts_at
        other_changes["ends_at"] = starts_at + duration
        other_changes["registration_deadline"] = (
            starts_at - deadline_offset if deadline_offset is not None else None
        )
        changes.append((other.pk, other_changes))
    return changes


def update_series_from(
    *, session: KnowledgeSession, data: dict[str, Any], themes=None, notify: bool = True
) -> list[KnowledgeSession]:
    """Apply a change to this date and all later dates of its series: the same fields, and
    the new start time and duration on each date's own day."""
    with transaction.atomic():
        return [
            update_session(
                session=session if pk == session.pk else KnowledgeSession.objects.get(pk=pk),
                data=changes,
                themes=themes,
                notify=notify,
            )
            for pk, changes in series_changes(session=session, data=data)
        ]


def publish_session(*, session: KnowledgeSession) -> KnowledgeSession:
    if session.status == Activity.Status.CANCELLED:
        raise SessionError(_("A cancelled kenniscafé cannot be published again; duplicate it."))
    session.status = Activity.Status.PUBLISHED
    return _save(session)


def publish_series(*, session: KnowledgeSession) -> int:
    """Publish every draft date of the session's series from this one on, in one go; how many
    were published. Cancelled dates stay cancelled."""
    with transaction.atomic():
        drafts = KnowledgeSession.objects.select_for_update().filter(
            series_id=session.series_id,
            starts_at__gte=session.starts_at,
            status=Activity.Status.DRAFT,
        )
        published = 0
        for draft in drafts:
            publish_session(session=draft)
            published += 1
        return published


def cancel_session(*, session: KnowledgeSession) -> KnowledgeSession:
    """Cancel; everyone registered gets a mail with the cancelled calendar entry."""
    with transaction.atomic():
        was_published = session.status == Activity.Status.PUBLISHED
        session.status = Activity.Status.CANCELLED
        _save(session)
        if was_published:
            registration_services.notify_activity_changed(activity_id=session.pk)
        return session


def duplicate_session(
    *, session: KnowledgeSession, starts_at: dt.datetime | None = None
) -> KnowledgeSession:
    """A draft copy (a week later unless a start is given), without registrations."""
    starts_at = starts_at or session.starts_at + dt.timedelta(days=7)
    shift = starts_at - session.starts_at
    data = {name: getattr(session, name) for name in COPIED_FIELDS}
    data.update(
        starts_at=starts_at,
        ends_at=session.ends_at + shift,
        registration_deadline=(
            session.registration_deadline + shift if session.registration_deadline else None
        ),
        status=Activity.Status.DRAFT,
    )
    return create_session(
        workspace=session.workspace,
        data=data,
        themes=list(session.themes.all()),
        coordinator=session.coordinator,
    )


def series_dates(*, first: dt.datetime, frequency: str, count: int) -> list[dt.datetime]:
    """Start times of a series in local time: weekly on the same weekday, monthly on the same
    n-th weekday of the month (the 2nd Tuesday stays the 2nd Tuesday; a 5th becomes the last)."""
    local = timezone.localtime(first)
    dates = [local]
    if frequency == SessionSeries.Frequency.WEEKLY:
        for n in range(1, count):
            day = local.date() + dt.timedelta(weeks=n)
            dates.append(timezone.make_aware(dt.datetime.combine(day, local.time())))
        return dates
    nth = (local.day - 1) // 7
    weekday = local.weekday()
    year, month = local.year, local.month
    for _n in range(1, count):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday] != 0]
        day = dt.date(year, month, days[min(nth, len(days) - 1)])
        dates.append(timezone.make_aware(dt.datetime.combine(day, local.time())))
    return dates


def create_series(
    *,
    workspace: Workspace,
    data: dict[str, Any],
    frequency: str,
    count: int,
    themes=(),
    coordinator=None,
) -> SessionSeries:
    """A weekly or monthly series of `count` kenniscafés, the first at data["starts_at"]."""
    if not 2 <= count <= 52:
        raise SessionError(_("A series has between 2 and 52 dates."))
    with transaction.atomic():
        series = SessionSeries.objects.create(
            workspace=workspace, title=data["title"], frequency=frequency
        )
        duration = data["ends_at"] - data["starts_at"]
        deadline = data.get("registration_deadline")
        offset = data["starts_at"] - deadline if deadline else None
        for starts_at in series_dates(first=data["starts_at"], frequency=frequency, count=count):
            values = dict(data)
            values.update(
                starts_at=starts_at,
                ends_at=starts_at + duration,
                registration_deadline=starts_at - offset if offset is not None else None,
                series=series,
            )
            create_session(workspace=workspace, data=values, themes=themes, coordinator=coordinator)
        return series
