"""Registration: who gets a seat, who waits, who cancels, who came.

Every seat decision runs in `_decide_and_save` style blocks inside one transaction that holds
the activity's lock: `select_for_update` on PostgreSQL; on SQLite the IMMEDIATE transaction
already holds the database write lock from BEGIN. Side effects (mail) run on commit.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from activities import extensions
from activities.models import Activity, Registration
from core import spreadsheet
from core.tasking import enqueue_with_transaction
from core.vocab import PROFESSION_DOMAIN, Domain

logger = logging.getLogger(__name__)

SEATED = (
    Registration.Status.CONFIRMED,
    Registration.Status.ATTENDED,
    Registration.Status.NO_SHOW,
)
LIVE = (*SEATED, Registration.Status.WAITLISTED)


class RegistrationError(Exception):
    """A registration that cannot go ahead; `field` names the input the message belongs to."""

    def __init__(self, message, *, field: str = "non_field_errors", code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class RegistrationClosed(RegistrationError):
    """Past, cancelled, unpublished or past the deadline."""


class ActivityFull(RegistrationError):
    """No seat and no waiting list."""


class DatabaseBusy(RegistrationError):
    """The database stayed locked longer than we are willing to wait; ask to retry."""


@dataclass(frozen=True)
class Registrant:
    """What a professional fills in; validated by the form or serializer before it gets here."""

    name: str
    email: str
    organisation: str
    profession: str
    phone: str = ""
    bike_need: str = ""
    notes: str = ""
    language: str = "nl"
    # Answers to questions other apps add (activities.extensions), saved with the registration.
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Outcome:
    """What `register` answers. `status` is what the registrant may be told; for an e-mail
    that already had a registration it is the status a new registration would get now, so the
    answer never reveals that the address was known (the mail carries the real status)."""

    status: str
    registration: Registration | None
    created: bool


# ---------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    # 256 bits, URL-safe; reveals nothing about the registration or the e-mail.
    return secrets.token_urlsafe(32)


def issue_cancel_token(*, registration: Registration) -> str:
    """A new cancel/personal-page token; the previous one stops working."""
    token = _new_token()
    Registration.objects.filter(pk=registration.pk).update(cancel_token_hash=hash_token(token))
    registration.cancel_token_hash = hash_token(token)
    return token


def issue_mail_tokens(*, registration: Registration, feed: bool) -> tuple[str, str | None]:
    """A new cancel token and, if asked, a new feed token, written in one statement (every
    commit counts when a mail goes out per registration)."""
    cancel_token = _new_token()
    feed_token = _new_token() if feed else None
    changes = {"cancel_token_hash": hash_token(cancel_token)}
    if feed_token:
        changes["feed_token_hash"] = hash_token(feed_token)
    Registration.objects.filter(pk=registration.pk).update(**changes)
    for name, value in changes.items():
        setattr(registration, name, value)
    return cancel_token, feed_token


def registration_for_cancel_token(*, token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return (
        Registration.objects.select_related("activity")
        .filter(cancel_token_hash=hash_token(token))
        .first()
    )


def issue_feed_token(*, registration: Registration) -> str:
    """A token for the registrant's personal iCalendar feed (/feeds/personal/<token>.ics)."""
    token = _new_token()
    Registration.objects.filter(pk=registration.pk).update(feed_token_hash=hash_token(token))
    registration.feed_token_hash = hash_token(token)
    return token


def registration_for_feed_token(*, token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return (
        Registration.objects.select_related("activity")
        .filter(feed_token_hash=hash_token(token))
        .first()
    )


# ---------------------------------------------------------------------------------------
# The seat rule
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatCounts:
    seated: int
    seated_by_domain: dict[str, int]


def seat_counts(*, activity_id: int) -> SeatCounts:
    rows = (
        Registration.objects.filter(activity_id=activity_id, status__in=SEATED)
        .values("domain")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_domain = {row["domain"]: row["n"] for row in rows}
    return SeatCounts(seated=sum(by_domain.values()), seated_by_domain=by_domain)


def seat_refusal(*, activity: Activity, counts: SeatCounts, domain: str) -> str:
    """Why a registrant of `domain` cannot have a seat now ("" = a seat is free for them).

    Capacity first; then seats reserved for other domains that are still unfilled; then the
    cap on the share of the registrant's own domain (a share of the capacity).
    """
    if counts.seated >= activity.capacity:
        return "full"
    reserved_elsewhere = sum(
        max(0, int(seats) - counts.seated_by_domain.get(other, 0))
        for other, seats in (activity.domain_reserved or {}).items()
        if other != domain
    )
    if counts.seated + reserved_elsewhere >= activity.capacity:
        return "reserved"
    cap = (activity.domain_caps or {}).get(domain)
    if cap is not None:
        allowed = math.floor(activity.capacity * float(cap) / 100)
        if counts.seated_by_domain.get(domain, 0) >= allowed:
            return "cap"
    return ""


def waitlist_reason_text(*, reason: str, domain: str, language: str = "nl") -> str:
    """Why someone waits, in their language (the coordinator sees it too)."""
    with translation.override(language):
        return _waitlist_reason_text(reason, domain)


def _waitlist_reason_text(reason: str, domain: str) -> str:
    label = str(Domain(domain).label) if domain in Domain.values else domain
    if reason == "cap":
        return str(_("Share of domain %(domain)s is at its maximum") % {"domain": label})
    if reason == "reserved":
        return str(_("Remaining seats are reserved for other domains"))
    return str(_("All seats are taken"))


def registration_refusal(*, activity: Activity, now=None):
    """Why nobody can register for this activity now (None = open)."""
    now = now or timezone.now()
    if activity.status == Activity.Status.CANCELLED:
        return _("This activity has been cancelled.")
    if activity.status != Activity.Status.PUBLISHED:
        return _("This activity is not open for registration.")
    if activity.starts_at <= now:
        return _("This activity has already taken place.")
    if activity.registration_deadline and activity.registration_deadline <= now:
        return _("Registration for this activity has closed.")
    return None


def _with_lock_retry[T](operation: Callable[[], T]) -> T:
    """Run a locked transaction; on SQLite, retry briefly if the busy timeout ran out."""
    attempts = getattr(settings, "REGISTRATION_LOCK_ATTEMPTS", 3)
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except OperationalError as error:
            if "locked" not in str(error).lower() or attempt == attempts:
                if "locked" in str(error).lower():
                    raise DatabaseBusy(
                        _("It is very busy right now. Please try again in a moment."),
                        code="busy",
                    ) from error
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _locked_activity(activity_id: int) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity_id)


def register(*, activity_id: int, registrant: Registrant, now=None) -> Outcome:
    """Register a professional: a seat while one is free for their domain, else the waiting
    list (if the coordinator allows one), else `ActivityFull`.

    An e-mail that already has a live registration gets no second seat: the existing
    registration is mailed again and the answer looks like a new registration's.
    """
    domain = PROFESSION_DOMAIN[registrant.profession]
    email = registrant.email.strip().lower()
    if not getattr(settings, "REGISTRATION_SEAT_LOCK", True):
        return _register_without_lock(activity_id, registrant, domain, email)

    def operation() -> Outcome:
        with transaction.atomic():
            activity = _locked_activity(activity_id)
            refusal = registration_refusal(activity=activity, now=now)
            if refusal:
                raise RegistrationClosed(refusal, code="closed")
            counts = seat_counts(activity_id=activity.pk)
            reason = seat_refusal(activity=activity, counts=counts, domain=domain)
            if reason and not activity.waitlist_enabled:
                raise ActivityFull(_("This activity is full."), code="full")
            status = Registration.Status.WAITLISTED if reason else Registration.Status.CONFIRMED
            existing = (
                Registration.objects.filter(activity=activity, email=email, status__in=LIVE)
                .order_by("pk")
                .first()
            )
            if existing is not None:
                _mail_on_commit(existing.pk, "existing")
                return Outcome(status=status, registration=existing, created=False)
            registration = Registration.objects.create(
                activity=activity,
                name=registrant.name.strip(),
                email=email,
                organisation=registrant.organisation.strip(),
                profession=registrant.profession,
                domain=domain,
                phone=registrant.phone,
                bike_need=registrant.bike_need if activity.kind == Activity.Kind.TOUR else "",
                notes=registrant.notes,
                language=registrant.language,
                status=status,
                waitlist_reason=(
                    waitlist_reason_text(reason=reason, domain=domain, language=registrant.language)
                    if reason
                    else ""
                ),
                consent_at=timezone.now(),
            )
            extensions.run_created(registration=registration, extra=registrant.extra)
            _mail_on_commit(registration.pk, "confirmation" if not reason else "waitlisted")
            return Outcome(status=status, registration=registration, created=True)

    return _with_lock_retry(operation)


def _register_without_lock(activity_id, registrant, domain, email) -> Outcome:
    """The seat rule with its lock taken away, for the control test that proves the
    contention harness can see overbooking. Enabled only by REGISTRATION_SEAT_LOCK=False,
    which only the test settings module sets."""
    activity = Activity.objects.get(pk=activity_id)
    counts = seat_counts(activity_id=activity_id)
    reason = seat_refusal(activity=activity, counts=counts, domain=domain)
    time.sleep(0.3)  # widen the window between reading and writing, as a slow request would
    status = Registration.Status.WAITLISTED if reason else Registration.Status.CONFIRMED
    registration = Registration.objects.create(
        activity=activity,
        name=registrant.name,
        email=email,
        organisation=registrant.organisation,
        profession=registrant.profession,
        domain=domain,
        language=registrant.language,
        status=status,
        consent_at=timezone.now(),
    )
    return Outcome(status=status, registration=registration, created=True)


def _promote_locked(activity: Activity) -> list[int]:
    """Promote waitlisted registrations, oldest first, while a seat is free for them.
    Someone over a domain cap is skipped, not allowed to block those behind them."""
    if activity.status != Activity.Status.PUBLISHED or activity.ends_at <= timezone.now():
        return []
    promoted: list[int] = []
    counts = seat_counts(activity_id=activity.pk)
    seated_by_domain = dict(counts.seated_by_domain)
    seated = counts.seated
    for registration in Registration.objects.filter(
        activity=activity, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "pk"):
        if seated >= activity.capacity:
            break
        current = SeatCounts(seated=seated, seated_by_domain=seated_by_domain)
        if seat_refusal(activity=activity, counts=current, domain=registration.domain):
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.waitlist_reason = ""
        registration.save(update_fields=["status", "waitlist_reason", "updated_at"])
        seated += 1
        seated_by_domain[registration.domain] = seated_by_domain.get(registration.domain, 0) + 1
        promoted.append(registration.pk)
        _mail_on_commit(registration.pk, "promoted")
    return promoted


def promote_waitlist(*, activity_id: int) -> list[int]:
    """Fill free seats from the waiting list; returns the promoted registration ids."""

    def operation() -> list[int]:
        with transaction.atomic():
            return _promote_locked(_locked_activity(activity_id))

    return _with_lock_retry(operation)


def cancel_registration(
    *, registration_id: int, by_coordinator: bool = False, reason: str = ""
) -> Registration:
    """Cancel a registration; its seat goes to the next eligible waitlisted person in the
    same transaction. Cancelled by the coordinator, the mail says so (with the reason)."""

    def operation() -> Registration:
        with transaction.atomic():
            activity_id = Registration.objects.values_list("activity_id", flat=True).get(
                pk=registration_id
            )
            activity = _locked_activity(activity_id)
            registration = Registration.objects.get(pk=registration_id)
            if registration.status not in (
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
            ):
                return registration
            if not by_coordinator and activity.starts_at <= timezone.now():
                raise RegistrationClosed(_("This activity has already started."), code="past")
            registration.status = Registration.Status.CANCELLED
            registration.save(update_fields=["status", "updated_at"])
            if by_coordinator:
                _mail_on_commit(registration.pk, "removed", reason=reason.strip())
            else:
                _mail_on_commit(registration.pk, "cancelled")
            _promote_locked(activity)
            return registration

    return _with_lock_retry(operation)


def remove_registration(*, registration_id: int, reason: str = "") -> Registration:
    """A coordinator takes someone off the list (same effect as their own cancellation; the
    mail says the organiser did it, with the reason if given)."""
    return cancel_registration(registration_id=registration_id, by_coordinator=True, reason=reason)


def move_from_waitlist(*, registration_id: int) -> Registration:
    """A coordinator gives a waitlisted person a seat, past the domain rules but never past
    the capacity."""

    def operation() -> Registration:
        with transaction.atomic():
            activity_id = Registration.objects.values_list("activity_id", flat=True).get(
                pk=registration_id
            )
            activity = _locked_activity(activity_id)
            registration = Registration.objects.get(pk=registration_id)
            if registration.status != Registration.Status.WAITLISTED:
                raise RegistrationError(_("This person is not on the waiting list."))
            if seat_counts(activity_id=activity.pk).seated >= activity.capacity:
                raise ActivityFull(
                    _("No free seat: raise the capacity or remove someone first."), code="full"
                )
            registration.status = Registration.Status.CONFIRMED
            registration.waitlist_reason = ""
            registration.save(update_fields=["status", "waitlist_reason", "updated_at"])
            _mail_on_commit(registration.pk, "promoted")
            return registration

    return _with_lock_retry(operation)


def add_registration_by_hand(
    *, activity_id: int, registrant: Registrant, confirmed: bool = True
) -> Registration:
    """A coordinator adds someone (phoned in, say). Never past the capacity; over-capacity
    goes to the waiting list."""
    domain = PROFESSION_DOMAIN[registrant.profession]
    email = registrant.email.strip().lower()

    def operation() -> Registration:
        with transaction.atomic():
            activity = _locked_activity(activity_id)
            if Registration.objects.filter(
                activity=activity, email=email, status__in=LIVE
            ).exists():
                raise RegistrationError(
                    _("This e-mail address is already on the list."), field="email"
                )
            seated = seat_counts(activity_id=activity.pk).seated
            status = (
                Registration.Status.CONFIRMED
                if confirmed and seated < activity.capacity
                else Registration.Status.WAITLISTED
            )
            registration = Registration.objects.create(
                activity=activity,
                name=registrant.name,
                email=email,
                organisation=registrant.organisation,
                profession=registrant.profession,
                domain=domain,
                phone=registrant.phone,
                bike_need=registrant.bike_need if activity.kind == Activity.Kind.TOUR else "",
                notes=registrant.notes,
                language=registrant.language,
                status=status,
                waitlist_reason="",
            )
            extensions.run_created(registration=registration, extra=registrant.extra)
            _mail_on_commit(
                registration.pk,
                "confirmation" if status == Registration.Status.CONFIRMED else "waitlisted",
            )
            return registration

    return _with_lock_retry(operation)


def check_in(*, registration_id: int, present: bool = True) -> Registration:
    """Mark someone present (or undo it) at the door."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status not in SEATED:
            raise RegistrationError(_("Only confirmed registrations can be checked in."))
        if present:
            registration.status = Registration.Status.ATTENDED
            registration.checked_in_at = registration.checked_in_at or timezone.now()
        else:
            registration.status = Registration.Status.CONFIRMED
            registration.checked_in_at = None
        registration.save(update_fields=["status", "checked_in_at", "updated_at"])
        return registration


def mark_no_shows(*, activity_id: int, now=None) -> int:
    """After the activity, confirmed registrations nobody checked in become no-shows."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = _locked_activity(activity_id)
        if activity.starts_at > now:
            raise RegistrationError(_("No-shows can be marked once the activity has started."))
        return Registration.objects.filter(
            activity=activity, status=Registration.Status.CONFIRMED
        ).update(status=Registration.Status.NO_SHOW, updated_at=now)


def message_registrants(*, activity_id: int, subject: str, body: str) -> int:
    """Send a coordinator's message to everyone with a seat; returns how many."""
    ids = list(
        Registration.objects.filter(
            activity_id=activity_id, status=Registration.Status.CONFIRMED
        ).values_list("pk", flat=True)
    )
    from activities import tasks

    for registration_id in ids:
        key = f"message:{registration_id}:{uuid.uuid4().hex}"
        enqueue_with_transaction(
            tasks.send_coordinator_message,
            registration_id=registration_id,
            subject=subject,
            body=body,
            key=key,
        )
    return len(ids)


def notify_activity_changed(*, activity_id: int) -> int:
    """Tell everyone with a seat or on the waiting list that the activity changed or was
    cancelled (with the updated calendar entry)."""
    ids = list(
        Registration.objects.filter(
            activity_id=activity_id,
            status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITLISTED),
        ).values_list("pk", flat=True)
    )
    for registration_id in ids:
        _mail_on_commit(registration_id, "changed")
    return len(ids)


def send_due_reminders(*, now=None) -> int:
    """Queue the reminder for confirmed registrants of activities starting within
    REGISTRATION_REMINDER_DAYS. A marker on the registration makes this idempotent."""
    now = now or timezone.now()
    horizon = now + timezone.timedelta(days=settings.REGISTRATION_REMINDER_DAYS)
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        activity__status=Activity.Status.PUBLISHED,
        activity__starts_at__gt=now,
        activity__starts_at__lte=horizon,
    )
    count = 0
    with transaction.atomic():
        for registration_id in list(
            due.select_for_update(of=("self",)).values_list("pk", flat=True)
        ):
            Registration.objects.filter(pk=registration_id).update(reminder_sent_at=now)
            _mail_on_commit(registration_id, "reminder")
            count += 1
    return count


def _mail_on_commit(registration_id: int, kind: str, **extra) -> None:
    from activities import tasks

    # The idempotency key is chosen now, once: a task that runs twice sends one mail.
    key = f"registration:{registration_id}:{kind}:{uuid.uuid4().hex}"
    enqueue_with_transaction(
        tasks.send_registration_mail,
        registration_id=registration_id,
        kind=kind,
        key=key,
        **extra,
    )


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def with_seats(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate `seats_taken` in the same query (the agenda never counts per card)."""
    return queryset.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEATED))
    ).annotate(seats_left=F("capacity") - F("seats_taken"))


def domain_mix(*, registrations: Iterable[Registration]) -> list[tuple[str, int, int]]:
    """(domain label, count, percent) among seated registrations, largest first."""
    counts = Counter(r.domain for r in registrations if r.status in SEATED)
    total = sum(counts.values()) or 1
    labels = dict(Domain.choices)
    return [
        (str(labels.get(domain, domain)), n, round(100 * n / total))
        for domain, n in counts.most_common()
    ]


CSV_FIELDS = (
    "name",
    "email",
    "organisation",
    "profession",
    "domain",
    "phone",
    "bike_need",
    "notes",
    "status",
    "waitlist_reason",
    "created_at",
    "checked_in_at",
)


def registrations_csv(*, activity: Activity, language: str | None = None) -> str:
    """The attendee list for a spreadsheet: headers and code values (profession, bike, status)
    as words in `language`, moments as local day and time."""
    with translation.override(language or translation.get_language()):
        buffer = io.StringIO()
        writer = spreadsheet.csv_writer(buffer)
        fields = [Registration._meta.get_field(name) for name in CSV_FIELDS]
        header = [
            _("Waiting-list reason") if f.name == "waitlist_reason" else capfirst(f.verbose_name)
            for f in fields
        ]
        header[-2:] = [_("Registered at"), _("Checked in at")]
        writer.writerow(header)
        for registration in activity.registrations.order_by("status", "name"):
            row = []
            for field in fields:
                value = getattr(registration, field.name)
                if field.choices:
                    value = getattr(registration, f"get_{field.name}_display")()
                elif hasattr(value, "isoformat"):
                    value = spreadsheet.format_moment(value)
                row.append(spreadsheet.safe_cell(value))
            writer.writerow(row)
        return buffer.getvalue()
