"""Partners keep their own entry fresh.

Every PARTNER_REVIEW_MONTHS a partner whose entry was not confirmed in that time gets one
review mail per opted-in contact, with a tokenised link (only the hash is stored; the link
expires after PARTNER_REVIEW_LINK_DAYS; opening it changes nothing). "Klopt nog" sets the
partner's assured_date; "Wijzigen" stores a change proposal that a coordinator approves or
rejects, seeing a field-by-field diff. Sending is idempotent: a partner asked within the
period is not asked again, so a second run the same day sends nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext as _

from accounts.services import hash_token
from core.models import Workspace
from network.models import Contact, Partner
from network.services import Window, format_windows, parse_windows, update_partner
from opendata.models import ChangeProposal, ReviewRequest

# The fields a partner may change through its review link (the rest is the coordinator's).
REVIEW_FIELDS: tuple[str, ...] = (
    "short_description",
    "description",
    "address",
    "postcode",
    "city",
    "website",
    "email",
    "phone",
    "referral_info",
    "target_groups",
    "accessibility",
)
VISITING_HOURS = "visiting_hours"


def _months_ago(today: dt.date, months: int) -> dt.date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day)


def stale_cutoff(*, today: dt.date | None = None) -> dt.date:
    """Entries last checked before this date are stale."""
    return _months_ago(today or timezone.localdate(), settings.PARTNER_REVIEW_MONTHS)


def stale_partners(*, workspace: Workspace, today: dt.date | None = None) -> QuerySet[Partner]:
    """Active partners never checked or checked before the cutoff, oldest first."""
    cutoff = stale_cutoff(today=today)
    return (
        workspace.partners.filter(is_active=True)
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
        .order_by(F("assured_date").asc(nulls_first=True), "name")
    )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def review_url(token: str) -> str:
    return settings.SITE_URL + reverse("opendata:review", kwargs={"token": token})


def _review_mail(*, partner: Partner, contact: Contact, token: str) -> EmailMultiAlternatives:
    with translation.override("nl"):
        context = {
            "partner": partner,
            "contact": contact,
            "url": review_url(token),
            "days": settings.PARTNER_REVIEW_LINK_DAYS,
        }
        text = render_to_string("opendata/email/review.txt", context)
        subject = _("Is the entry of %(name)s still correct?") % {"name": partner.name}
    message = EmailMultiAlternatives(subject=subject, body=text, to=[contact.email])
    message.attach_alternative(linebreaks(urlize(text, autoescape=True)), "text/html")
    return message


def send_review_requests(*, now: dt.datetime | None = None) -> int:
    """Mail every due partner's opted-in contacts a review link; returns the number sent."""
    now = now or timezone.now()
    cutoff = stale_cutoff(today=timezone.localdate(now))
    asked_since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    due = (
        Partner.objects.filter(is_active=True)
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
        .exclude(review_requests__sent_at__gte=asked_since)
        .prefetch_related("contacts")
        .order_by("pk")
    )
    sent = 0
    for partner in due:
        contacts = [c for c in partner.contacts.all() if c.receives_review_requests and c.email]
        if not contacts:
            continue
        with transaction.atomic():
            locked = Partner.objects.select_for_update().get(pk=partner.pk)
            if locked.review_requests.filter(sent_at__gte=asked_since).exists():
                continue
            for contact in contacts:
                token = _new_token()
                ReviewRequest.objects.create(
                    partner=partner,
                    contact=contact,
                    token_hash=hash_token(token),
                    sent_at=now,
                    expires_at=now + dt.timedelta(days=settings.PARTNER_REVIEW_LINK_DAYS),
                )
                message = _review_mail(partner=partner, contact=contact, token=token)
                transaction.on_commit(message.send)
                sent += 1
    return sent


class ReviewLinkError(Exception):
    """Unknown or expired link; the message says which."""

    def __init__(self, message: str, *, expired: bool) -> None:
        super().__init__(message)
        self.expired = expired


def review_for_token(*, token: str, now: dt.datetime | None = None) -> ReviewRequest:
    if not token or len(token) > 100:
        raise ReviewLinkError(_("This link is not known."), expired=False)
    review = (
        ReviewRequest.objects.select_related("partner", "contact")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if review is None:
        raise ReviewLinkError(_("This link is not known."), expired=False)
    if review.expires_at <= (now or timezone.now()):
        raise ReviewLinkError(
            _("This link has expired. Ask the coordinator for a new one."), expired=True
        )
    return review


def confirm_entry(*, review: ReviewRequest) -> None:
    """'Klopt nog': the entry is confirmed today. Only the date changes (an update() leaves the
    partner's other fields and its updated_at alone)."""
    today = timezone.localdate()
    with transaction.atomic():
        Partner.objects.filter(pk=review.partner_id).update(assured_date=today)
        ReviewRequest.objects.filter(pk=review.pk).update(
            answered_at=timezone.now(), answer=ReviewRequest.Answer.CONFIRMED
        )
    review.partner.assured_date = today


def current_values(*, partner: Partner) -> dict[str, str]:
    values = {name: str(getattr(partner, name) or "") for name in REVIEW_FIELDS}
    values[VISITING_HOURS] = format_windows(partner.visiting_windows.all())
    return values


def propose_changes(*, review: ReviewRequest, values: dict[str, str]) -> ChangeProposal | None:
    """Store what differs from the entry as a proposal (None when nothing differs, which
    counts as a confirmation)."""
    before = current_values(partner=review.partner)
    changes = {
        name: {"old": before[name], "new": values[name]}
        for name in before
        if name in values and values[name].strip() != before[name].strip()
    }
    if not changes:
        confirm_entry(review=review)
        return None
    with transaction.atomic():
        proposal = ChangeProposal.objects.create(
            partner=review.partner, review=review, changes=changes
        )
        ReviewRequest.objects.filter(pk=review.pk).update(
            answered_at=timezone.now(), answer=ReviewRequest.Answer.CHANGED
        )
    return proposal


@dataclass(frozen=True)
class DiffLine:
    field: str
    label: str
    old: str
    new: str


def proposal_diff(*, proposal: ChangeProposal) -> list[DiffLine]:
    labels = {f.name: str(f.verbose_name) for f in Partner._meta.fields}
    labels[VISITING_HOURS] = _("Visiting hours")
    return [
        DiffLine(field=name, label=labels.get(name, name), old=c["old"], new=c["new"])
        for name, c in proposal.changes.items()
    ]


@transaction.atomic
def approve_proposal(*, proposal: ChangeProposal, user) -> Partner:
    """Apply the proposal through network's update_partner (so validation and whatever
    reacts to partner changes run as for a coordinator's edit); the entry counts as checked.
    Raises ValidationError (per field) when a value is not acceptable."""
    partner = proposal.partner
    fields = {n: c["new"] for n, c in proposal.changes.items() if n in REVIEW_FIELDS}
    windows: list[Window] | None = None
    if VISITING_HOURS in proposal.changes:
        try:
            windows = parse_windows(proposal.changes[VISITING_HOURS]["new"])
        except ValueError as exc:
            raise ValidationError({VISITING_HOURS: str(exc)}) from exc
    update_partner(partner=partner, fields=fields, windows=windows)
    Partner.objects.filter(pk=partner.pk).update(assured_date=timezone.localdate())
    proposal.status = ChangeProposal.Status.APPROVED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    return partner


def reject_proposal(*, proposal: ChangeProposal, user) -> None:
    proposal.status = ChangeProposal.Status.REJECTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save(update_fields=["status", "decided_at", "decided_by"])


def pending_proposals(*, workspace: Workspace) -> QuerySet[ChangeProposal]:
    return ChangeProposal.objects.filter(
        partner__workspace=workspace, status=ChangeProposal.Status.PENDING
    ).select_related("partner", "review__contact")
