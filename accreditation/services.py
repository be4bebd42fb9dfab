"""Accreditation: what is due, who attended how long, the registries' lists, certificates.

Certificates are issued in the transaction that closes attendance; their PDFs are rendered
and mailed on commit by idempotent tasks (a certificate is mailed once, whoever runs twice).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import attendance
from accreditation.models import (
    Accreditation,
    Attendance,
    AttendanceClosure,
    Break,
    Certificate,
    PresenceSubmission,
    RegistrationRegistryNumber,
)
from accreditation.registries import RULES, application_due, presence_due, split_name
from activities import services as registration_services
from activities.models import Activity, Registration
from core.models import Workspace


class AccreditationError(Exception):
    """Something a coordinator asked that cannot be done; `field` names the input."""

    def __init__(self, message, *, field: str = "non_field_errors"):
        super().__init__(str(message))
        self.message = message
        self.field = field


# ---------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------


def application_due_on(*, accreditation: Accreditation) -> dt.date:
    if accreditation.application_due_on:
        return accreditation.application_due_on
    starts_on = timezone.localtime(accreditation.activity.starts_at).date()
    return application_due(registry=accreditation.registry, starts_on=starts_on)


def presence_due_on(*, accreditation: Accreditation) -> dt.date:
    if accreditation.presence_due_on:
        return accreditation.presence_due_on
    ends_on = timezone.localtime(accreditation.activity.ends_at).date()
    return presence_due(registry=accreditation.registry, ends_on=ends_on)


@dataclass(frozen=True)
class DueItem:
    kind: str  # "application" | "presence"
    accreditation: Accreditation
    due_on: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


# Application reminders appear this long before they are due.
APPLICATION_HORIZON_DAYS = 28


def due_items(*, workspaces: QuerySet[Workspace], today: dt.date | None = None) -> list[DueItem]:
    """Applications to file and presence to submit, soonest first (one query)."""
    today = today or timezone.localdate()
    now = timezone.now()
    longest_lead = max(rule.application_days_before for rule in RULES.values())
    candidates = (
        Accreditation.objects.filter(activity__workspace__in=workspaces)
        .exclude(activity__status=Activity.Status.CANCELLED)
        .filter(
            Q(
                applied_on__isnull=True,
                status=Accreditation.Status.REQUESTED,
                activity__starts_at__gt=now,
                activity__starts_at__lte=now
                + dt.timedelta(days=longest_lead + APPLICATION_HORIZON_DAYS),
            )
            | Q(
                status=Accreditation.Status.GRANTED,
                presence_submitted_on__isnull=True,
                activity__ends_at__lte=now,
                activity__ends_at__gte=now - dt.timedelta(days=365),
            )
        )
        .select_related("activity")
    )
    items = []
    for accreditation in candidates:
        if accreditation.status == Accreditation.Status.REQUESTED:
            due = application_due_on(accreditation=accreditation)
            if (due - today).days > APPLICATION_HORIZON_DAYS:
                continue
            items.append(DueItem("application", accreditation, due, (due - today).days))
        else:
            due = presence_due_on(accreditation=accreditation)
            items.append(DueItem("presence", accreditation, due, (due - today).days))
    return sorted(items, key=lambda item: (item.due_on, item.accreditation.pk))


# ---------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------


def breaks_of(*, activity: Activity) -> list[attendance.Interval]:
    return [(b.starts_at, b.ends_at) for b in Break.objects.filter(activity=activity)]


def record_departure(*, registration_id: int, left_at: dt.datetime | None) -> Attendance:
    """Someone left before the end (or, with None, stayed after all)."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("activity")
            .get(pk=registration_id)
        )
        activity = registration.activity
        if registration.status != Registration.Status.ATTENDED:
            raise AccreditationError(
                _("Check %(name)s in first.") % {"name": registration.name}, field="registration"
            )
        if left_at is not None and not activity.starts_at < left_at <= activity.ends_at:
            raise AccreditationError(
                _("The time must fall between the start (%(start)s) and the end (%(end)s).")
                % {
                    "start": timezone.localtime(activity.starts_at).strftime("%H:%M"),
                    "end": timezone.localtime(activity.ends_at).strftime("%H:%M"),
                },
                field="left_at",
            )
        record, _created = Attendance.objects.update_or_create(
            registration=registration, defaults={"left_at": left_at}
        )
        return record


@dataclass
class AttendeeRow:
    """One seated registration as the presence list shows it."""

    registration: Registration
    initials: str
    surname: str
    numbers: dict[str, str]
    arrived_at: dt.datetime | None
    left_at: dt.datetime | None
    minutes: int
    # Per registry: attended the full accredited time?
    full: dict[str, bool] = field(default_factory=dict)
    points: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def attended(self) -> bool:
        return self.registration.status == Registration.Status.ATTENDED


@dataclass
class Presence:
    """Everything the outputs need about one activity, read in a fixed number of queries."""

    activity: Activity
    accreditations: list[Accreditation]
    breaks: list[attendance.Interval]
    rows: list[AttendeeRow]
    required: dict[str, int]  # minutes per registry
    closure: AttendanceClosure | None

    def numbers_for(self, registry: str) -> list[str]:
        """The paste-ready list: numbers of those present for the full accredited time."""
        return [
            row.numbers[registry]
            for row in self.rows
            if row.attended and row.full.get(registry) and registry in row.numbers
        ]

    def accreditation(self, registry: str) -> Accreditation | None:
        return next((a for a in self.accreditations if a.registry == registry), None)


def presence(*, activity: Activity) -> Presence:
    """Seated registrations with their numbers, attended minutes and per-registry verdicts."""
    accreditations = list(
        Accreditation.objects.filter(activity=activity)
        .exclude(status=Accreditation.Status.REFUSED)
        .order_by("registry")
    )
    pauses = breaks_of(activity=activity)
    grace = dt.timedelta(minutes=settings.ACCREDITATION_LATE_GRACE_MINUTES)
    required = {
        a.registry: attendance.required_minutes(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            breaks=pauses,
            accredited_hours=a.hours,
        )
        for a in accreditations
    }
    registrations = (
        Registration.objects.filter(activity=activity, status__in=registration_services.SEATED)
        .select_related("attendance")
        .prefetch_related(
            Prefetch("registry_numbers", queryset=RegistrationRegistryNumber.objects.all())
        )
        .order_by("name", "pk")
    )
    rows = []
    for registration in registrations:
        arrived = attendance.arrival_time(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            checked_in_at=(
                registration.checked_in_at
                if registration.status == Registration.Status.ATTENDED
                else None
            ),
            grace=grace,
        )
        record = getattr(registration, "attendance", None)
        left = record.left_at if record else None
        minutes = (
            attendance.net_minutes(
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                breaks=pauses,
                arrived_at=arrived,
                left_at=left,
            )
            if arrived is not None
            else 0
        )
        initials, surname = split_name(registration.name)
        row = AttendeeRow(
            registration=registration,
            initials=initials,
            surname=surname,
            numbers={n.registry: n.number for n in registration.registry_numbers.all()},
            arrived_at=arrived,
            left_at=left,
            minutes=minutes,
        )
        for a in accreditations:
            row.full[a.registry] = arrived is not None and minutes >= required[a.registry]
            row.points[a.registry] = attendance.awarded_points(
                points=a.points, attended=minutes, required=required[a.registry]
            )
        rows.append(row)
    closure = AttendanceClosure.objects.filter(activity=activity).first()
    return Presence(activity, accreditations, pauses, rows, required, closure)


# ---------------------------------------------------------------------------------------
# Closing attendance and certificates
# ---------------------------------------------------------------------------------------

# No 0/O, 1/I/L: a code people type from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def certificate_lines(*, row: AttendeeRow, data: Presence) -> list[dict]:
    lines = []
    for a in data.accreditations:
        if a.status != Accreditation.Status.GRANTED:
            continue
        points = row.points.get(a.registry)
        lines.append(
            {
                "registry": a.registry,
                "accreditation_id": a.accreditation_id,
                "points": str(points) if points is not None else None,
                "hours": str(attendance.hours(min(row.minutes, data.required[a.registry]))),
                "full": row.full.get(a.registry, False),
            }
        )
    return lines


def issue_certificates(*, activity: Activity, now: dt.datetime | None = None) -> list[int]:
    """Certificates for attended registrations that lack a current one; certificates of anyone
    no longer attended are revoked, and of anyone whose time changed, replaced. Idempotent."""
    now = now or timezone.now()
    data = presence(activity=activity)
    if not data.accreditations:
        return []
    current = {
        c.registration_id: c
        for c in Certificate.objects.filter(
            registration__activity=activity, revoked_at__isnull=True
        ).defer("pdf")
    }
    issued: list[int] = []
    attended_ids = set()
    for row in data.rows:
        if not row.attended:
            continue
        attended_ids.add(row.registration.pk)
        lines = certificate_lines(row=row, data=data)
        existing = current.get(row.registration.pk)
        if existing and existing.attended_minutes == row.minutes and existing.lines == lines:
            continue
        if existing:
            Certificate.objects.filter(pk=existing.pk).update(revoked_at=now)
        certificate = Certificate.objects.create(
            registration=row.registration,
            code=new_certificate_code(),
            attended_minutes=row.minutes,
            lines=lines,
            issued_at=now,
        )
        issued.append(certificate.pk)
    Certificate.objects.filter(registration__activity=activity, revoked_at__isnull=True).exclude(
        registration_id__in=attended_ids
    ).update(revoked_at=now)
    return issued


def close_attendance(*, activity_id: int, actor=None, now: dt.datetime | None = None):
    """Final attendance: who was not checked in is a no-show; every attendee gets a
    certificate (mailed on commit). Closing again after a correction issues what changed."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity_id)
        if activity.starts_at > now:
            raise AccreditationError(_("Attendance can be closed once the activity has started."))
        registration_services.mark_no_shows(activity_id=activity.pk, now=now)
        closure, _created = AttendanceClosure.objects.update_or_create(
            activity=activity,
            defaults={"closed_at": now, "closed_by": actor if actor and actor.pk else None},
        )
        issued = issue_certificates(activity=activity, now=now)
        if issued:
            from accreditation import tasks

            transaction.on_commit(
                lambda: tasks.deliver_certificates.enqueue(certificate_ids=issued)
            )
        return closure, issued


def activities_to_close(*, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Accredited activities that ended at least ACCREDITATION_AUTO_CLOSE_DAYS ago (counted in
    local days) and whose attendance nobody closed."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    cutoff_day = today - dt.timedelta(days=settings.ACCREDITATION_AUTO_CLOSE_DAYS - 1)
    cutoff = timezone.make_aware(dt.datetime.combine(cutoff_day, dt.time.min))
    return (
        Activity.objects.filter(
            ends_at__lt=cutoff,
            ends_at__gte=now - dt.timedelta(days=60),
            status=Activity.Status.PUBLISHED,
            attendance_closure__isnull=True,
        )
        .filter(
            accreditations__status__in=[
                Accreditation.Status.REQUESTED,
                Accreditation.Status.GRANTED,
            ]
        )
        .distinct()
        .order_by("ends_at", "pk")
    )


def close_due_attendance(*, now: dt.datetime | None = None) -> int:
    """The daily job: close what the coordinator did not close; returns how many."""
    closed = 0
    for activity_id in list(activities_to_close(now=now).values_list("pk", flat=True)):
        close_attendance(activity_id=activity_id, now=now)
        closed += 1
    return closed


def certificate_for_code(*, code: str) -> Certificate | None:
    """A current certificate by its code (dashes and case ignored); None reveals nothing."""
    normal = (code or "").replace("-", "").upper()
    if not 8 <= len(normal) <= 20 or any(ch not in CODE_ALPHABET for ch in normal):
        return None
    return (
        Certificate.objects.select_related("registration__activity__workspace")
        .defer("pdf")
        .filter(code=normal, revoked_at__isnull=True, registration__anonymised_at__isnull=True)
        .first()
    )


def current_certificate(*, registration: Registration) -> Certificate | None:
    return (
        Certificate.objects.filter(
            registration=registration,
            revoked_at__isnull=True,
            registration__status=Registration.Status.ATTENDED,
        )
        .defer("pdf")
        .first()
    )


def mark_presence_submitted(
    *, accreditation: Accreditation, on: dt.date | None = None
) -> Accreditation:
    accreditation.presence_submitted_on = on or timezone.localdate()
    accreditation.save(update_fields=["presence_submitted_on", "updated_at"])
    return accreditation


# ---------------------------------------------------------------------------------------
# Privacy (called by the privacy app's retention and erasure, and its export)
# ---------------------------------------------------------------------------------------


def erase_for_registrations(*, registration_ids: set[int] | list[int], now=None) -> None:
    """Registry numbers go; certificates are revoked (the verification page would otherwise
    keep showing a name after anonymisation) and their stored PDFs dropped."""
    now = now or timezone.now()
    RegistrationRegistryNumber.objects.filter(registration_id__in=registration_ids).delete()
    # A registry's rejection text may quote the person's number.
    PresenceSubmission.objects.filter(registration_id__in=registration_ids).update(message="")
    Certificate.objects.filter(registration_id__in=registration_ids).update(pdf=None)
    Certificate.objects.filter(
        registration_id__in=registration_ids, revoked_at__isnull=True
    ).update(revoked_at=now)


def export_for_registration(*, registration: Registration) -> dict[str, object]:
    """What the right of access adds to a registration's record (prefetched by the caller or
    read here)."""
    return {
        "registry_numbers": {n.registry: n.number for n in registration.registry_numbers.all()},
        "certificates": [
            {
                "code": c.code,
                "issued_at": c.issued_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "attended_minutes": c.attended_minutes,
                "accreditations": c.lines,
            }
            for c in registration.certificates.all()
        ],
    }


def attended_by_registry(*, data: Presence) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for a in data.accreditations:
        out[a.registry] = data.numbers_for(a.registry)
    return dict(out)
