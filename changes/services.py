"""The change workflow for published activities (tours and kenniscafés): preview a change,
confirm it, tell everyone affected once; cancel with a reason and undo it; message groups
of registrants. Pages and the API both call these functions.

A change is applied by a callable (a kind's own service, e.g. tours.services.update_tour)
between two snapshots inside one transaction that holds the activity's row lock. The diff
of the snapshots decides: nothing people were told changed → just saved; something did and
the coordinator has not confirmed → rolled back and `ConfirmationNeeded` carries the preview;
confirmed → saved, an ActivityChange row written and the notices queued on commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Activity, Registration
from changes.diff import ActivityState, StopState, diff, partners_in
from changes.models import ActivityChange, PendingRecheck, SentMessage
from network.models import Contact, Partner
from tours.models import Stop

# Who hears about a change: everyone who holds or waits for a seat.
TOLD = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)


class ChangeError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EditConflict(ChangeError):
    """Someone else saved the activity after this coordinator opened it."""


@dataclass
class Preview:
    """What a change would tell whom, before it is saved."""

    lines: list[dict]
    registrants: int = 0
    partners: int = 0
    partner_names: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [line_text(line) for line in self.lines]

    @property
    def summary(self) -> str:
        people = ngettext("%(count)d registrant", "%(count)d registrants", self.registrants) % {
            "count": self.registrants
        }
        partners = ngettext("%(count)d partner", "%(count)d partners", self.partners) % {
            "count": self.partners
        }
        return _("%(people)s and %(partners)s will be notified:") % {
            "people": people,
            "partners": partners,
        }


class ConfirmationNeeded(Exception):
    """The change moves what people were told; nothing was saved. Ask, then call again
    with confirmed=True."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(preview.summary)
        self.preview = preview


class _DryRun(Exception):
    def __init__(self, preview: Preview) -> None:
        self.preview = preview


# --- snapshots and texts ---------------------------------------------------------------------


def version_of(activity: Activity) -> str:
    """The optimistic-lock token a form or API client sends back: every save moves it."""
    return activity.updated_at.isoformat()


def _place(activity: Activity) -> str:
    return ", ".join(part for part in (activity.venue_name, activity.venue_address) if part)


def snapshot(*, activity: Activity) -> ActivityState:
    """What people were told about the activity: times, place, stops and their times."""
    stops = tuple(
        StopState(*row)
        for row in Stop.objects.filter(tour_id=activity.pk)
        .order_by("position")
        .values_list("pk", "partner_id", "partner__name", "arrives_at", "departs_at")
    )
    return ActivityState(
        status=activity.status,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        place=_place(activity),
        stops=stops,
    )


def _clock(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return timezone.localtime(moment).strftime("%H:%M") if moment else "—"


def _when(value: str, other: str) -> str:
    """A time, with its date when the other side of the arrow is on another day."""
    moment = parse_datetime(value) if value else None
    if moment is None:
        return "—"
    moment = timezone.localtime(moment)
    other_moment = parse_datetime(other) if other else None
    if other_moment and timezone.localtime(other_moment).date() != moment.date():
        return date_format(moment, "l j F Y, H:i")
    return moment.strftime("%H:%M")


def line_text(line: dict) -> str:
    """One diff line in the active language: "Stop Buurtteam: 13:05 → 13:35"."""
    what, name, old, new = line["what"], line.get("name", ""), line["old"], line["new"]
    if what == "start":
        return _("Start: %(old)s → %(new)s") % {"old": _when(old, new), "new": _when(new, old)}
    if what == "end":
        return _("End: %(old)s → %(new)s") % {"old": _when(old, new), "new": _when(new, old)}
    if what == "place":
        return _("Place: %(old)s → %(new)s") % {"old": old or "—", "new": new or "—"}
    if what == "stop_time":
        return _("Stop %(name)s: %(old)s → %(new)s") % {
            "name": name,
            "old": _clock(old),
            "new": _clock(new),
        }
    if what == "stop_added":
        return _("New stop: %(name)s at %(new)s") % {"name": name, "new": _clock(new)}
    return _("Stop %(name)s is dropped (was at %(old)s)") % {"name": name, "old": _clock(old)}


def partner_line_text(line: dict) -> str:
    """The same line as the partner reads it, about their own stop (je register)."""
    if line["what"] == "stop_time":
        return _("Your stop moves from %(old)s to %(new)s (the group leaves at %(end)s).") % {
            "old": _clock(line["old"]),
            "new": _clock(line["new"]),
            "end": _clock(line.get("new_end", "")),
        }
    if line["what"] == "stop_added":
        return _("The tour now visits you at %(new)s.") % {"new": _clock(line["new"])}
    return _("The tour no longer visits you (it was planned at %(old)s).") % {
        "old": _clock(line["old"])
    }


def partner_addresses(*, partner_ids: list[int]) -> dict[int, list[str]]:
    """Per partner: the public e-mail and every contact who opted in, without doubles."""
    addresses: dict[int, list[str]] = {pk: [] for pk in partner_ids}
    for pk, email in Partner.objects.filter(pk__in=partner_ids).values_list("pk", "email"):
        if email:
            addresses[pk].append(email.lower())
    for pk, email in Contact.objects.filter(
        partner_id__in=partner_ids, receives_tour_notices=True
    ).values_list("partner_id", "email"):
        if email and email.lower() not in addresses[pk]:
            addresses[pk].append(email.lower())
    return addresses


def _preview(activity: Activity, lines: list[dict]) -> Preview:
    registrants = Registration.objects.filter(activity_id=activity.pk, status__in=TOLD).count()
    partner_ids = partners_in(lines)
    reachable = (
        Partner.objects.filter(pk__in=partner_ids)
        .annotate(
            opted_in=Count(
                "contacts",
                filter=Q(contacts__receives_tour_notices=True) & ~Q(contacts__email=""),
            )
        )
        .filter(~Q(email="") | Q(opted_in__gt=0))
        .order_by("name")
        .values_list("name", flat=True)
    )
    names = list(reachable)
    return Preview(lines=lines, registrants=registrants, partners=len(names), partner_names=names)


# --- the workflow ----------------------------------------------------------------------------


def _lock(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def _concrete(activity: Activity) -> Activity:
    """The tour or kenniscafé row itself, so its own save() and the audit log see the kind."""
    if activity.kind == Activity.Kind.TOUR:
        from tours.models import Tour

        return Tour.objects.get(pk=activity.pk)
    from sessions.models import KnowledgeSession

    return KnowledgeSession.objects.get(pk=activity.pk)


def _check_version(activity: Activity, version: str | None) -> None:
    if version and version != version_of(activity):
        raise EditConflict(
            _(
                "Someone else saved this activity after you opened it, so nothing was saved. "
                "Open it again to see their changes, then make yours."
            )
        )


def change_activity(
    *,
    activity_id: int,
    apply: Callable[[], object],
    user: User | None = None,
    confirmed: bool = False,
    version: str | None = None,
    dry_run: bool = False,
) -> Preview:
    """Apply a change to an activity under its lock and tell whom it concerns.

    `apply` runs the kind's own service; its errors (a stop that no longer fits) pass
    through with nothing saved. A draft, or a change that moves nothing people were told,
    is saved silently. `dry_run` only answers what a change would tell whom.
    """
    try:
        with transaction.atomic():
            activity = _lock(activity_id)
            _check_version(activity, version)
            before = snapshot(activity=activity)
            apply()
            after_activity = Activity.objects.get(pk=activity_id)
            lines = diff(before, snapshot(activity=after_activity))
            published = before.status == Activity.Status.PUBLISHED
            preview = _preview(after_activity, lines) if (lines and published) else Preview([])
            if dry_run:
                raise _DryRun(preview)
            if not preview.lines:
                return preview
            if not confirmed:
                raise ConfirmationNeeded(preview)
            _record(after_activity, ActivityChange.Kind.CHANGED, lines, preview, user=user)
            return preview
    except _DryRun as dry:
        return dry.preview


def _record(
    activity: Activity,
    kind: str,
    lines: list[dict],
    preview: Preview,
    *,
    user: User | None,
    reason: str = "",
) -> ActivityChange:
    """Write the change and queue its notices for after the commit (one task per save)."""
    if kind == ActivityChange.Kind.CHANGED:
        # Calendar clients replace an entry only when SEQUENCE grows; a stop that moved
        # changes the tour's description and the partner's own entry.
        Activity.objects.filter(pk=activity.pk).update(sequence=F("sequence") + 1)
        Stop.objects.filter(tour_id=activity.pk, partner_id__in=partners_in(lines)).update(
            sequence=F("sequence") + 1
        )
        activity.sequence += 1
    change = ActivityChange.objects.create(
        activity=activity,
        kind=kind,
        lines=lines,
        reason=reason,
        sequence=activity.sequence,
        registrants=preview.registrants,
        partners=preview.partners,
        created_by=user if user and user.is_authenticated else None,
    )
    from changes import tasks

    transaction.on_commit(lambda: tasks.send_change_notices.enqueue(change_id=change.pk))
    return change


def _route_lines(activity: Activity) -> list[dict]:
    """Every stop of the route as a line, so each partner on it hears about a cancellation
    or a cancellation undone."""
    return [
        {
            "what": "stop_added"
            if activity.status == Activity.Status.PUBLISHED
            else "stop_removed",
            "name": stop.name,
            "old": "",
            "new": stop.arrives_at.isoformat() if stop.arrives_at else "",
            "partner": stop.partner_id,
        }
        for stop in snapshot(activity=activity).stops
    ]


def preview_cancellation(*, activity: Activity) -> Preview:
    """Who a cancellation (or undoing it) tells: the registrants and the partners on the
    route."""
    preview = _preview(activity, _route_lines(activity))
    preview.lines = []
    return preview


def cancel_activity(
    *, activity_id: int, reason: str = "", user: User | None = None
) -> ActivityChange | None:
    """Cancel a tour or kenniscafé. If it was published, everyone registered and every
    partner on its route is told, with the reason and a METHOD:CANCEL calendar entry;
    registrations keep their seats, so the cancellation can be undone until it starts."""
    with transaction.atomic():
        activity = _lock(activity_id)
        if activity.status == Activity.Status.CANCELLED:
            raise ChangeError(_("This activity is already cancelled."))
        was_published = activity.status == Activity.Status.PUBLISHED
        preview = preview_cancellation(activity=activity)
        activity = _concrete(activity)
        activity.status = Activity.Status.CANCELLED
        activity.save()
        if not was_published:
            return None
        return _record(
            activity,
            ActivityChange.Kind.CANCELLED,
            _route_lines(activity),
            preview,
            user=user,
            reason=reason.strip(),
        )


def reinstatement_refusal(*, activity: Activity) -> str:
    """Why this cancellation cannot be undone ("" = it can)."""
    if activity.status != Activity.Status.CANCELLED:
        return _("This activity is not cancelled.")
    if activity.starts_at <= timezone.now():
        return _("This activity has already started; a cancellation can be undone until then.")
    if not ActivityChange.objects.filter(
        activity_id=activity.pk, kind=ActivityChange.Kind.CANCELLED
    ).exists():
        return _("This activity was never published; publish it instead.")
    return ""


def reinstate_activity(*, activity_id: int, user: User | None = None) -> ActivityChange:
    """Undo a cancellation: published again, everyone registered keeps their seat and hears
    that it goes ahead after all (with a calendar entry that puts it back)."""
    with transaction.atomic():
        activity = _lock(activity_id)
        refusal = reinstatement_refusal(activity=activity)
        if refusal:
            raise ChangeError(refusal)
        activity = _concrete(activity)
        activity.status = Activity.Status.PUBLISHED
        activity.save()
        lines = _route_lines(activity)
        return _record(
            activity, ActivityChange.Kind.REINSTATED, lines, _preview(activity, lines), user=user
        )


def history(*, activity: Activity) -> list[ActivityChange]:
    changes = list(activity.changes.select_related("created_by"))
    for change in changes:
        change.texts = (
            [line_text(line) for line in change.lines]
            if change.kind == ActivityChange.Kind.CHANGED
            else []
        )
    return changes


# --- deleting a draft ------------------------------------------------------------------------


def deletion_refusal(*, activity: Activity) -> str:
    if activity.status != Activity.Status.DRAFT:
        return _("Only a draft can be deleted; cancel a published activity instead.")
    if activity.registrations.exists():
        return _("This draft has registrations; remove them first.")
    return ""


def delete_draft(*, activity_id: int) -> str:
    """Delete a draft that nobody was ever told about; returns its kind."""
    with transaction.atomic():
        activity = _lock(activity_id)
        refusal = deletion_refusal(activity=activity)
        if refusal:
            raise ChangeError(refusal)
        kind = activity.kind
        # The kind's own row, so the parent row and the stops go with it.
        _concrete(activity).delete()
        return kind


# --- messages to groups ----------------------------------------------------------------------

GROUPS = {
    "confirmed": Q(status=Registration.Status.CONFIRMED),
    "checked_in": Q(status=Registration.Status.ATTENDED, checked_in_at__isnull=False),
    "no_show": Q(status=Registration.Status.NO_SHOW),
    "waitlisted": Q(status=Registration.Status.WAITLISTED),
    "came": Q(status=Registration.Status.ATTENDED),
}


def group_members(*, activity_id: int, group: str):
    if group not in GROUPS:
        raise ChangeError(_("Choose who receives the message."), field="group")
    return Registration.objects.filter(GROUPS[group], activity_id=activity_id)


def group_sizes(*, activity_id: int) -> dict[str, int]:
    """How many people each group has, in one query."""
    return Registration.objects.filter(activity_id=activity_id).aggregate(
        **{group: Count("pk", filter=condition) for group, condition in GROUPS.items()}
    )


def send_group_message(
    *, activity_id: int, group: str, subject: str, body: str, user: User | None = None
) -> SentMessage:
    """Queue a coordinator's message to one group; the history keeps what, when and to how
    many (the addresses stay on the registrations)."""
    with transaction.atomic():
        count = group_members(activity_id=activity_id, group=group).count()
        if count == 0:
            raise ChangeError(_("Nobody is in this group yet."), field="group")
        message = SentMessage.objects.create(
            activity_id=activity_id,
            group=group,
            subject=subject,
            body=body,
            recipients=count,
            sent_by=user if user and user.is_authenticated else None,
        )
        from changes import tasks

        transaction.on_commit(lambda: tasks.send_group_message.enqueue(message_id=message.pk))
        return message


def sent_messages(*, activity: Activity) -> list[SentMessage]:
    return list(activity.sent_messages.select_related("sent_by"))


# --- partner changes reach tours -------------------------------------------------------------


def _retime(tour_id: int) -> None:
    from tours import services as tour_services
    from tours.models import Tour

    tour_services.retime(tour=Tour.objects.get(pk=tour_id))


def recheck_tours_visiting(*, partner_id: int) -> list[PendingRecheck]:
    """Dry-run the schedule of every upcoming published tour visiting this partner; keep a
    PendingRecheck for each one that would move or no longer fits (and drop stale ones)."""
    from tours.services import TourError

    tour_ids = list(
        Stop.objects.filter(
            partner_id=partner_id,
            tour__status=Activity.Status.PUBLISHED,
            tour__starts_at__gt=timezone.now(),
        ).values_list("tour_id", flat=True)
    )
    found = []
    for tour_id in tour_ids:
        problem = ""
        try:
            preview = change_activity(
                activity_id=tour_id, apply=lambda pk=tour_id: _retime(pk), dry_run=True
            )
            lines = preview.lines
        except TourError as error:
            lines, problem = [], error.message
        if not lines and not problem:
            PendingRecheck.objects.filter(activity_id=tour_id, partner_id=partner_id).delete()
            continue
        recheck, _created = PendingRecheck.objects.update_or_create(
            activity_id=tour_id,
            partner_id=partner_id,
            defaults={"lines": lines, "problem": problem},
        )
        found.append(recheck)
    return found


def pending_rechecks(*, activities) -> list[PendingRecheck]:
    rechecks = list(
        PendingRecheck.objects.filter(activity__in=activities).select_related("activity", "partner")
    )
    for recheck in rechecks:
        recheck.texts = [line_text(line) for line in recheck.lines]
    return rechecks


def confirm_recheck(*, recheck_id: int, user: User | None = None) -> Preview:
    """Apply the new schedule a partner's change brought and tell everyone affected."""
    recheck = PendingRecheck.objects.get(pk=recheck_id)
    preview = change_activity(
        activity_id=recheck.activity_id,
        apply=lambda: _retime(recheck.activity_id),
        user=user,
        confirmed=True,
    )
    PendingRecheck.objects.filter(activity_id=recheck.activity_id).delete()
    return preview
