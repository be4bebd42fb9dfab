"""Collecting ratings: invitations and reminders by e-mail, personal and device links, and
saving a submitted rating. Views, the API, the task and the command all call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import Activity, Registration
from ratings.models import Rating, RatingInvitation, StopRating
from tours.models import Stop

logger = logging.getLogger(__name__)

DEVICE_SALT = "ratings.device-link"


class RatingError(Exception):
    """A rating that cannot be accepted; the message is fit to show to the participant."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class LinkError(RatingError):
    """A rating link that is unknown, expired or no longer valid."""

    def __init__(self, message: str, *, status: int = 404) -> None:
        super().__init__(message)
        self.status = status


def invitation_delay() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "RATINGS_INVITATION_DELAY_HOURS", 2))


def reminder_delay() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "RATINGS_REMINDER_DAYS", 4))


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "RATINGS_LINK_DAYS", 30))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A long random token (256 bits) and its hash; only the hash is ever stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def link_token_hash(token: str, *, invalid: str) -> str:
    """The hash to look a link's token up by; LinkError(`invalid`) for a token none of our links
    can have (empty or absurdly long), before any query."""
    if not token or len(token) > 200:
        raise LinkError(invalid)
    return hash_token(token)


def rating_url(token: str) -> str:
    return settings.SITE_URL + reverse("ratings:form", kwargs={"token": token})


# --- invitations -------------------------------------------------------------------------


def eligible_registrations(*, now: dt.datetime | None = None):
    """Registrations that should receive an invitation and have none yet.

    The activity ended at least the invitation delay ago (and not so long ago that a link
    would already have expired) and was not cancelled, and the person has not rated it yet
    (on the spot, say). Invited are the checked-in people, or —
    when nobody took attendance — every confirmed registrant. Cancelled and no-show
    registrations never are.
    """
    now = now or timezone.now()
    attendance_taken = Registration.objects.filter(
        activity_id=OuterRef("activity_id"),
        status__in=[Registration.Status.ATTENDED, Registration.Status.NO_SHOW],
    )
    return (
        Registration.objects.filter(
            activity__ends_at__lte=now - invitation_delay(),
            activity__ends_at__gt=now - link_lifetime(),
            activity__status=Activity.Status.PUBLISHED,
            rating_invitation__isnull=True,
            rating__isnull=True,
            anonymised_at__isnull=True,
        )
        .alias(attendance_taken=Exists(attendance_taken))
        .filter(
            Q(status=Registration.Status.ATTENDED)
            | Q(status=Registration.Status.CONFIRMED, attendance_taken=False)
        )
    )


def invite_raters(*, now: dt.datetime | None = None) -> int:
    """Create the invitations that are due and send every unsent one; returns mails queued.

    Safe to run twice, also at the same time: a registration has at most one invitation
    (OneToOne), and an invitation is claimed for sending by a conditional UPDATE, so only one
    run sends it. A mail that fails is marked unsent again and goes out on the next run with a
    fresh token.
    """
    now = now or timezone.now()
    with transaction.atomic():
        for registration_id in eligible_registrations(now=now).values_list("pk", flat=True):
            try:
                with transaction.atomic():
                    RatingInvitation.objects.create(
                        registration_id=registration_id, token_hash=new_token()[1]
                    )
            except IntegrityError:
                continue  # another run created it first
        unsent = RatingInvitation.objects.filter(
            sent_at__isnull=True,
            registration__activity__ends_at__gt=now - link_lifetime(),
            registration__status__in=[
                Registration.Status.ATTENDED,
                Registration.Status.CONFIRMED,
            ],
        ).values_list("pk", flat=True)
        queued = 0
        for invitation_id in list(unsent):
            token, token_hash = new_token()
            claimed = RatingInvitation.objects.filter(
                pk=invitation_id, sent_at__isnull=True
            ).update(sent_at=now, token_hash=token_hash, expires_at=now + link_lifetime())
            if claimed:
                queued += 1
                transaction.on_commit(
                    lambda pk=invitation_id, token=token: _deliver(
                        invitation_id=pk, token=token, reminder=False
                    )
                )
    return queued


def send_rating_reminders(*, now: dt.datetime | None = None) -> int:
    """Send the one reminder to invitees who have not rated yet; returns mails queued.

    The reminder carries a second token so the first mail's link keeps working too.
    """
    now = now or timezone.now()
    due = RatingInvitation.objects.filter(
        sent_at__lte=now - reminder_delay(),
        reminder_sent_at__isnull=True,
        expires_at__gt=now,
        used_at__isnull=True,
        registration__rating__isnull=True,
        registration__status__in=[Registration.Status.ATTENDED, Registration.Status.CONFIRMED],
    ).values_list("pk", flat=True)
    queued = 0
    with transaction.atomic():
        for invitation_id in list(due):
            token, token_hash = new_token()
            claimed = RatingInvitation.objects.filter(
                pk=invitation_id, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now, reminder_token_hash=token_hash)
            if claimed:
                queued += 1
                transaction.on_commit(
                    lambda pk=invitation_id, token=token: _deliver(
                        invitation_id=pk, token=token, reminder=True
                    )
                )
    return queued


def _deliver(*, invitation_id: int, token: str, reminder: bool) -> None:
    invitation = RatingInvitation.objects.select_related("registration__activity__coordinator").get(
        pk=invitation_id
    )
    try:
        build_invitation_mail(invitation=invitation, token=token, reminder=reminder).send()
    except Exception:
        # Unmark, so the next run sends it again (with a fresh token): nothing gets lost.
        logger.exception("Rating invitation %s could not be sent", invitation_id)
        field = "reminder_sent_at" if reminder else "sent_at"
        RatingInvitation.objects.filter(pk=invitation_id).update(**{field: None})


def build_invitation_mail(
    *, invitation: RatingInvitation, token: str, reminder: bool
) -> EmailMultiAlternatives:
    """The invitation or reminder in the registrant's own language."""
    registration = invitation.registration
    activity = registration.activity
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "activity": activity,
            "url": rating_url(token),
            "expires_at": invitation.expires_at,
            "reminder": reminder,
        }
        subject = (_("Reminder: how was %(title)s?") if reminder else _("How was %(title)s?")) % {
            "title": activity.title
        }
        text = render_to_string("ratings/email/invitation.txt", context)
        html = render_to_string("ratings/email/invitation.html", context)
    return registrant_mail(
        registration=registration, activity=activity, subject=subject, text=text, html=html
    )


def registrant_mail(
    *, registration: Registration, activity: Activity, subject: str, text: str, html: str
) -> EmailMultiAlternatives:
    """An automatic mail asking a registrant about an activity (rating, impact survey)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        # Questions about the activity go to the person who organised it.
        reply_to=[activity.coordinator.email] if activity.coordinator_id else [],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


# --- links -------------------------------------------------------------------------------


def invitation_for_token(*, token: str, now: dt.datetime | None = None) -> RatingInvitation:
    """The live invitation a personal token belongs to; LinkError when unknown or expired.

    Looking it up changes nothing, so a mail scanner opening the link uses nothing up.
    """
    now = now or timezone.now()
    token_hash = link_token_hash(
        token, invalid=_("This rating link is not valid. Check that you copied it completely.")
    )
    invitation = (
        RatingInvitation.objects.select_related("registration__activity")
        .filter(Q(token_hash=token_hash) | Q(reminder_token_hash=token_hash))
        .first()
    )
    if invitation is None or invitation.sent_at is None:
        raise LinkError(_("This rating link is not valid. Check that you copied it completely."))
    registration = invitation.registration
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.NO_SHOW):
        raise LinkError(_("This rating link is no longer valid."), status=410)
    if invitation.expires_at is not None and invitation.expires_at <= now:
        raise LinkError(
            _("This rating link expired on %(date)s. Thank you for wanting to help anyway.")
            % {"date": invitation.expires_at.date().strftime("%d-%m-%Y")},
            status=410,
        )
    return invitation


def device_token(*, activity: Activity) -> str:
    """The signed token of an activity's shared on-the-spot rating link."""
    return signing.Signer(salt=DEVICE_SALT).sign(str(activity.pk)).split(":", 1)[1]


def device_url(*, activity: Activity) -> str:
    return settings.SITE_URL + reverse(
        "ratings:device",
        kwargs={"activity_id": activity.pk, "token": device_token(activity=activity)},
    )


def device_rating_opens_at(*, activity: Activity) -> dt.datetime:
    """When a shared device link opens: a tour at the planned arrival at its first stop (before
    that nothing has been seen), anything else when it starts."""
    first_arrival = (
        Stop.objects.filter(tour_id=activity.pk, arrives_at__isnull=False)
        .order_by("position")
        .values_list("arrives_at", flat=True)
        .first()
    )
    return max(activity.starts_at, first_arrival) if first_arrival else activity.starts_at


def activity_for_device_token(
    *, activity_id: int, token: str, now: dt.datetime | None = None
) -> Activity:
    """The activity of a device link; LinkError when the signature is wrong or the rating
    window (from the start until the link lifetime after the end) is closed."""
    now = now or timezone.now()
    try:
        signing.Signer(salt=DEVICE_SALT).unsign(f"{activity_id}:{token}")
    except signing.BadSignature:
        raise LinkError(_("This rating link is not valid.")) from None
    activity = Activity.objects.filter(pk=activity_id, status=Activity.Status.PUBLISHED).first()
    if activity is None:
        raise LinkError(_("This rating link is not valid."))
    opens_at = device_rating_opens_at(activity=activity)
    if now < opens_at:
        if opens_at > activity.starts_at:
            message = _(
                "Rating opens at %(time)s, when the group arrives at the first stop: "
                "there is nothing to rate before that."
            ) % {"time": timezone.localtime(opens_at).strftime("%H:%M")}
        else:
            message = _("Rating opens when the activity starts.")
        raise LinkError(message, status=403)
    if now > activity.ends_at + link_lifetime():
        raise LinkError(_("Rating for this activity has closed."), status=410)
    return activity


# --- submitting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StopAnswer:
    stop_id: int
    grade: int | None
    would_refer: str


def _check_grade(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise RatingError(_("Give a whole number from 1 to 10."), field=field)
    return value


def submit_rating(
    *,
    activity: Activity,
    grade: int,
    stops: list[StopAnswer] | tuple[StopAnswer, ...] = (),
    most_valuable: str = "",
    comment: str = "",
    consent_to_share: bool = False,
    invitation: RatingInvitation | None = None,
    rating: Rating | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """Save a rating: from a personal invitation (updates that registration's one rating) or
    from a device (a new rating, or the device's earlier `rating` again).

    Every grade must be a whole number 1..10 and every stop must belong to this tour;
    otherwise RatingError and nothing is written.
    """
    now = now or timezone.now()
    grade = _check_grade(grade, field="grade")
    valid_stops = set(Stop.objects.filter(tour_id=activity.pk).values_list("pk", flat=True))
    seen: set[int] = set()
    for answer in stops:
        if answer.stop_id not in valid_stops or answer.stop_id in seen:
            raise RatingError(_("One of the stops is not part of this tour."), field="stops")
        seen.add(answer.stop_id)
        if answer.grade is not None:
            _check_grade(answer.grade, field=f"stop_{answer.stop_id}_grade")
        if answer.would_refer not in ("", *StopRating.Refer.values):
            raise RatingError(_("Answer yes, maybe or no."), field=f"stop_{answer.stop_id}_refer")
    values = {
        "grade": grade,
        "most_valuable": most_valuable.strip(),
        "comment": comment.strip(),
        "consent_to_share": bool(consent_to_share and comment.strip()),
    }
    with transaction.atomic():
        if invitation is not None:
            registration = invitation.registration
            if registration.activity_id != activity.pk:
                raise RatingError(_("This link belongs to another activity."))
            rating, _created = Rating.objects.update_or_create(
                registration=registration,
                defaults={
                    **values,
                    "activity": activity,
                    "source": Rating.Source.LINK,
                    "rater_domain": registration.domain,
                },
            )
            RatingInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
                used_at=now
            )
        elif rating is not None:
            if rating.activity_id != activity.pk or rating.source != Rating.Source.DEVICE:
                raise RatingError(_("This rating belongs to another activity."))
            for name, value in values.items():
                setattr(rating, name, value)
            rating.save()
        else:
            rating = Rating.objects.create(activity=activity, source=Rating.Source.DEVICE, **values)
        answered = [a for a in stops if a.grade is not None or a.would_refer]
        rating.stop_ratings.exclude(stop_id__in=[a.stop_id for a in answered]).delete()
        for answer in answered:
            StopRating.objects.update_or_create(
                rating=rating,
                stop_id=answer.stop_id,
                defaults={"grade": answer.grade, "would_refer": answer.would_refer},
            )
    return rating
