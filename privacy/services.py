"""Audit log, retention and data-subject rights (AVG/GDPR).

Erasure and retention anonymise rather than delete: a registration keeps its activity, status,
profession and domain, a rating keeps its grades, so counts and statistics stay right.
"""

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import CharField, Model, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accreditation import services as accreditation_services
from activities.models import Registration
from core.models import Workspace
from privacy.models import AuditEntry
from ratings.models import Rating, RatingInvitation

ANONYMISED_NAME = "Geanonimiseerd"
# Background mail jobs (django-tasks-db keeps their arguments and errors in the database):
# the outgoing-mail log that retention and erasure scrub.
MAIL_TASKS = (
    "activities.tasks.send_registration_mail",
    "activities.tasks.send_coordinator_message",
)
EMAIL_PATTERN = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
PLACEHOLDER_DOMAIN = "anonymised.invalid"


def record(
    *,
    actor: User | None,
    workspace: Workspace | int | None,
    action: str,
    obj: Model | None,
    summary: str,
) -> AuditEntry:
    """Write one audit entry. `summary` must name the object, never a registrant."""
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    return AuditEntry.objects.create(
        workspace_id=workspace_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        summary=summary[:300],
    )


def _workspace_of(obj: Model) -> int | None:
    if hasattr(obj, "workspace_id"):
        return obj.workspace_id
    if hasattr(obj, "partner_id"):  # Contact
        return obj.partner.workspace_id
    if hasattr(obj, "tour_id"):  # Stop
        return obj.tour.workspace_id
    if hasattr(obj, "activity_id"):  # Registration
        return obj.activity.workspace_id
    return None


def _describe(obj: Model) -> str:
    """A label for the object that never carries a registrant's or contact's personal data."""
    model_name = obj._meta.model_name
    if model_name == "registration":
        return f"registration #{obj.pk} for “{obj.activity.title}”"
    if model_name == "contact":
        return f"contact person of “{obj.partner.name}”"
    if model_name == "stop":
        return f"stop “{obj.partner.name}” in “{obj.tour.title}”"
    label = getattr(obj, "title", None) or getattr(obj, "name", None) or f"#{obj.pk}"
    return f"{obj._meta.verbose_name} “{label}”"


def record_change(
    *, actor: User, obj: Model, action: str, old_status: str | None = None
) -> AuditEntry:
    """Record a create/change/delete/status change of a domain object made by `actor`."""
    try:
        label, workspace_id = _describe(obj), _workspace_of(obj)
    except ObjectDoesNotExist:
        # A cascade already removed the parent (a stop of a deleted tour): log it bare.
        label, workspace_id = f"{obj._meta.verbose_name} #{obj.pk}", None
    summary = f"{action.replace('_', ' ')}: {label}"
    if old_status is not None:
        summary += f" ({old_status} → {obj.status})"
    return record(actor=actor, workspace=workspace_id, action=action, obj=obj, summary=summary)


# --- retention -------------------------------------------------------------------------------


def _months_ago(*, months: int, now: dt.datetime) -> dt.datetime:
    # A month counted as 30 days: retention periods need no calendar precision.
    return now - dt.timedelta(days=30 * months)


def placeholder_email(*, registration_id: int) -> str:
    """A unique, non-personal address, so the one-registration-per-e-mail rule still holds."""
    return f"anonymised-{registration_id}@{PLACEHOLDER_DOMAIN}"


def _placeholder_expression(prefix: str, suffix: str = "") -> Concat:
    return Concat(Value(prefix), Cast("pk", CharField()), Value(suffix), output_field=CharField())


def _anonymise_registrations(*, registrations: QuerySet[Registration], now: dt.datetime) -> int:
    ids = list(registrations.filter(anonymised_at=None).values_list("pk", flat=True))
    # One UPDATE for all rows; the placeholder address is built from the primary key, so it is
    # unique and the one-registration-per-e-mail rule holds (see placeholder_email).
    Registration.objects.filter(pk__in=ids).update(
        name=ANONYMISED_NAME,
        email=_placeholder_expression("anonymised-", f"@{PLACEHOLDER_DOMAIN}"),
        organisation="",
        phone="",
        notes="",
        waitlist_reason="",
        cancel_token_hash=None,
        feed_token_hash=None,
        anonymised_at=now,
    )
    # Invitation links must stop working; the hash column is required and unique, so replace
    # it with a value no SHA-256 hex digest can equal.
    RatingInvitation.objects.filter(registration_id__in=ids).update(
        token_hash=_placeholder_expression("revoked-"), reminder_token_hash=None
    )
    Rating.objects.filter(registration_id__in=ids, anonymised_at=None).update(
        comment="", most_valuable="", anonymised_at=now
    )
    scrub_mail_log(registration_ids=set(ids))
    from impact.services import anonymise_for_registrations

    anonymise_for_registrations(registration_ids=ids, now=now)
    accreditation_services.erase_for_registrations(registration_ids=ids, now=now)
    return len(ids)


def scrub_mail_log(*, registration_ids: set[int]) -> int:
    """Clear the message text and any address in the stored mail jobs of these registrations.
    Without the database task backend there is no such log and nothing to do."""
    if not registration_ids:
        return 0
    from django_tasks_db.models import DBTaskResult

    scrubbed = 0
    for job in DBTaskResult.objects.filter(task_path__in=MAIL_TASKS).only(
        "id", "args_kwargs", "traceback", "return_value"
    ):
        kwargs = (job.args_kwargs or {}).get("kwargs", {})
        if kwargs.get("registration_id") not in registration_ids:
            continue
        for key in ("subject", "body"):
            if key in kwargs:
                kwargs[key] = ""
        DBTaskResult.objects.filter(id=job.id).update(
            args_kwargs=job.args_kwargs,
            traceback=EMAIL_PATTERN.sub("[removed]", job.traceback or ""),
        )
        scrubbed += 1
    return scrubbed


@dataclass(frozen=True)
class RetentionResult:
    registrations: int
    rating_comments: int
    audit_entries_scrubbed: int


def apply_retention(*, now: dt.datetime | None = None) -> RetentionResult:
    """Anonymise what is past its retention period. Idempotent: a second run changes nothing."""
    now = now or timezone.now()
    registration_cutoff = _months_ago(months=settings.RETENTION_REGISTRATION_MONTHS, now=now)
    comment_cutoff = _months_ago(months=settings.RETENTION_RATING_COMMENT_MONTHS, now=now)
    with transaction.atomic():
        registrations = _anonymise_registrations(
            registrations=Registration.objects.filter(activity__ends_at__lt=registration_cutoff),
            now=now,
        )
        rating_comments = (
            Rating.objects.filter(created_at__lt=comment_cutoff, anonymised_at=None)
            .filter(~Q(comment="") | ~Q(most_valuable=""))
            .update(comment="", most_valuable="", anonymised_at=now)
        )
        scrubbed = scrub_audit_log()
    return RetentionResult(
        registrations=registrations,
        rating_comments=rating_comments,
        audit_entries_scrubbed=scrubbed,
    )


def scrub_audit_log() -> int:
    """Remove registrants' e-mail addresses from audit summaries. By design there are none;
    this is the safety net the retention run promises (and the tests assert it finds nothing)."""
    scrubbed = 0
    for entry in AuditEntry.objects.filter(summary__contains="@").only("pk", "summary"):
        words = ["[removed]" if "@" in word else word for word in entry.summary.split(" ")]
        AuditEntry.objects.filter(pk=entry.pk).update(summary=" ".join(words))
        scrubbed += 1
    return scrubbed


# --- data-subject rights ---------------------------------------------------------------------


class InvalidEmail(ValueError):
    pass


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception as error:
        raise InvalidEmail(email) from error
    return email


def person_registrations(
    *, email: str, workspaces: QuerySet[Workspace] | None = None
) -> QuerySet[Registration]:
    """A person's registrations (case-insensitive e-mail), within `workspaces` if given."""
    registrations = Registration.objects.filter(email__iexact=normalise_email(email))
    if workspaces is not None:
        registrations = registrations.filter(activity__workspace__in=workspaces)
    return registrations


EXPORT_FIELDS = [
    "id",
    "activity_id",
    "activity_title",
    "activity_kind",
    "activity_starts_at",
    "workspace",
    "name",
    "email",
    "organisation",
    "profession",
    "domain",
    "phone",
    "bike_need",
    "notes",
    "language",
    "status",
    "waitlist_reason",
    "consent_at",
    "checked_in_at",
    "created_at",
    "updated_at",
    "rating_grade",
    "rating_most_valuable",
    "rating_comment",
    "rating_consent_to_share",
    "rating_stop_grades",
    "impact_answers",
    "registry_numbers",
    "certificates",
]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(
    *, email: str, workspaces: QuerySet[Workspace] | None = None
) -> list[dict[str, object]]:
    """Everything held about the person with this e-mail: one record per registration, with
    the rating given through it. Tokens and token hashes are left out: they are keys, not data
    about the person."""
    registrations = (
        person_registrations(email=email, workspaces=workspaces)
        .select_related("activity__workspace", "rating")
        .prefetch_related("rating__stop_ratings__stop__partner", "registry_numbers", "certificates")
        .order_by("activity__starts_at", "pk")
    )
    records = []
    from impact.services import export_for_registration_ids

    impact_answers = export_for_registration_ids(
        registration_ids=[registration.pk for registration in registrations]
    )
    for registration in registrations:
        rating = getattr(registration, "rating", None)
        records.append(
            {
                "id": registration.pk,
                "activity_id": registration.activity_id,
                "activity_title": registration.activity.title,
                "activity_kind": registration.activity.kind,
                "activity_starts_at": _iso(registration.activity.starts_at),
                "workspace": registration.activity.workspace.name,
                "name": registration.name,
                "email": registration.email,
                "organisation": registration.organisation,
                "profession": registration.profession,
                "domain": registration.domain,
                "phone": registration.phone,
                "bike_need": registration.bike_need,
                "notes": registration.notes,
                "language": registration.language,
                "status": registration.status,
                "waitlist_reason": registration.waitlist_reason,
                "consent_at": _iso(registration.consent_at),
                "checked_in_at": _iso(registration.checked_in_at),
                "created_at": _iso(registration.created_at),
                "updated_at": _iso(registration.updated_at),
                "rating_grade": rating.grade if rating else None,
                "rating_most_valuable": rating.most_valuable if rating else None,
                "rating_comment": rating.comment if rating else None,
                "rating_consent_to_share": rating.consent_to_share if rating else None,
                "rating_stop_grades": (
                    {
                        stop_rating.stop.partner.name: stop_rating.grade
                        for stop_rating in rating.stop_ratings.all()
                    }
                    if rating
                    else None
                ),
                "impact_answers": impact_answers.get(registration.pk),
                **accreditation_services.export_for_registration(registration=registration),
            }
        )
    return records


def export_json(*, records: list[dict[str, object]]) -> str:
    return json.dumps({"registrations": records}, ensure_ascii=False, indent=2)


def export_csv(*, records: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in records:
        writer.writerow(
            {
                key: (
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, dict | list)
                    else value
                )
                for key, value in row.items()
            }
        )
    return buffer.getvalue()


def erase_person(
    *,
    email: str,
    actor: User | None,
    workspaces: QuerySet[Workspace] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Anonymise every registration of this person (within `workspaces` if given) and the
    comments of their ratings, keeping counts and grades. One audit entry per workspace, which
    names how many registrations were erased but not the address. Returns the number erased."""
    now = now or timezone.now()
    with transaction.atomic():
        registrations = person_registrations(email=email, workspaces=workspaces).filter(
            anonymised_at=None
        )
        per_workspace: dict[int, int] = {}
        for workspace_id in registrations.values_list("activity__workspace_id", flat=True):
            per_workspace[workspace_id] = per_workspace.get(workspace_id, 0) + 1
        erased = _anonymise_registrations(registrations=registrations, now=now)
        for workspace_id, count in sorted(per_workspace.items()):
            record(
                actor=actor,
                workspace=workspace_id,
                action="person_erased",
                obj=None,
                summary=f"erased personal data on request: {count} registration(s) anonymised",
            )
    return erased
