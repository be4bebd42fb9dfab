"""Registration mails, queued through Django's tasks framework and enqueued on commit.

Arguments are ids and kinds only: tokens are minted here, when the mail is written, so no
secret link ever sits in a task queue. A new mail's links replace the previous mail's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext as _

from activities import ics
from activities.mail_details import mail_details
from activities.models import Activity, Registration

KINDS = {
    "confirmation",
    "waitlisted",
    "promoted",
    "existing",
    "cancelled",
    "reminder",
    "changed",
    "message",
}
CALENDAR_KINDS = {"confirmation", "promoted", "existing", "reminder", "changed"}


def calendar_entry(*, activity: Activity) -> ics.CalendarEntry:
    location = ", ".join(part for part in (activity.venue_name, activity.venue_address) if part)
    return ics.CalendarEntry(
        activity_id=activity.pk,
        sequence=activity.sequence,
        title=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        description=activity.description,
        location=location,
        url=settings.SITE_URL + activity.get_absolute_url(),
        latitude=activity.latitude,
        longitude=activity.longitude,
        cancelled=activity.status == Activity.Status.CANCELLED,
        updated_at=activity.updated_at,
    )


def _subject(kind: str, activity: Activity, extra: str = "") -> str:
    title = activity.title
    when = timezone.localtime(activity.starts_at).strftime("%d-%m-%Y")
    subjects = {
        "confirmation": _("Registration confirmed: %(title)s"),
        "waitlisted": _("On the waiting list: %(title)s"),
        "promoted": _("A seat has come free for you: %(title)s"),
        "existing": _("Your registration: %(title)s"),
        "cancelled": _("Registration cancelled: %(title)s"),
        "reminder": _("Reminder: %(title)s on %(date)s"),
        "changed": (
            _("Cancelled: %(title)s")
            if activity.status == Activity.Status.CANCELLED
            else _("Changed: %(title)s")
        ),
        "message": "[%(title)s] " + extra,
    }
    return subjects[kind] % {"title": title, "date": when}


def compose(*, registration: Registration, kind: str, subject: str = "", body: str = ""):
    """The mail for one registration (not sent). Mints the links it carries."""
    from activities.services import issue_mail_tokens

    activity = registration.activity
    links: dict[str, str] = {"activity": settings.SITE_URL + activity.get_absolute_url()}
    if registration.status in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
        # The personal feed link goes out when a seat is confirmed (and to anyone seated who
        # never had one); re-issuing it otherwise would break calendars already subscribed.
        wants_feed = registration.status == Registration.Status.CONFIRMED and (
            kind in ("confirmation", "promoted") or not registration.feed_token_hash
        )
        token, feed_token = issue_mail_tokens(registration=registration, feed=wants_feed)
        links["personal"] = settings.SITE_URL + reverse(
            "activities:registration", kwargs={"token": token}
        )
        links["cancel"] = settings.SITE_URL + reverse("activities:cancel", kwargs={"token": token})
        if feed_token:
            links["feed"] = f"{settings.SITE_URL}/feeds/personal/{feed_token}.ics"
    has_calendar = registration.status == Registration.Status.CONFIRMED and kind in CALENDAR_KINDS
    context = {
        "has_calendar": has_calendar,
        # A waitlisted person's reason is cleared when they get a seat: no reason, a seat.
        "had_seat": kind == "cancelled" and not registration.waitlist_reason,
        "someone_waits": kind == "cancelled"
        and activity.registrations.filter(status=Registration.Status.WAITLISTED).exists(),
        "details": (
            mail_details(activity=activity, registration=registration)
            if kind in ("confirmation", "promoted", "existing", "reminder", "changed")
            and activity.status != Activity.Status.CANCELLED
            else []
        ),
        "kind": kind,
        "registration": registration,
        "activity": activity,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "links": links,
        "message_body": body,
        "site_url": settings.SITE_URL,
    }
    text = render_to_string("activities/email/registration.txt", context)
    message = EmailMultiAlternatives(
        subject=_subject(kind, activity, subject),
        body=text,
        to=[registration.email],
    )
    message.attach_alternative(linebreaks(urlize(text, autoescape=True)), "text/html")
    # Only someone with a seat has the activity in their calendar (a cancelled activity's
    # entry goes out as METHOD:CANCEL so clients remove it).
    if has_calendar:
        cancelled = activity.status == Activity.Status.CANCELLED
        data = ics.build_calendar(
            entries=[calendar_entry(activity=activity)],
            site_url=settings.SITE_URL,
            method="CANCEL" if cancelled else "PUBLISH",
        )
        message.attach("activity.ics", data, "text/calendar")
    return message


@task
def send_registration_mail(*, registration_id: int, kind: str) -> str:
    registration = Registration.objects.select_related("activity").filter(pk=registration_id)
    registration = registration.first()
    if registration is None or kind not in KINDS:
        return "skipped"
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        compose(registration=registration, kind=kind).send()
    return "sent"


@task
def send_coordinator_message(*, registration_id: int, subject: str, body: str) -> str:
    registration = Registration.objects.select_related("activity").filter(pk=registration_id)
    registration = registration.first()
    if registration is None:
        return "skipped"
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        compose(registration=registration, kind="message", subject=subject, body=body).send()
    return "sent"
