"""Registration mails, queued through Django's tasks framework and enqueued on commit.

Arguments are ids and kinds only: tokens are minted here, when the mail is written, so no
secret link ever sits in a task queue. A new mail's links replace the previous mail's.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext as _

from activities.calendar_files import calendar_file
from activities.mail_details import mail_details
from activities.models import Activity, Registration

KINDS = {
    "confirmation",
    "waitlisted",
    "promoted",
    "existing",
    "cancelled",
    "removed",
    "reminder",
    "changed",
    "message",
}
CALENDAR_KINDS = {"confirmation", "promoted", "existing", "reminder", "changed"}


def _subject(kind: str, activity: Activity, extra: str = "") -> str:
    title = activity.title
    when = timezone.localtime(activity.starts_at).strftime("%d-%m-%Y")
    subjects = {
        "confirmation": _("Registration confirmed: %(title)s"),
        "waitlisted": _("On the waiting list: %(title)s"),
        "promoted": _("A seat has come free for you: %(title)s"),
        "existing": _("Your registration: %(title)s"),
        "cancelled": _("Registration cancelled: %(title)s"),
        "removed": _("Registration cancelled by the organiser: %(title)s"),
        "reminder": _("Reminder: %(title)s on %(date)s"),
        "changed": (
            _("Cancelled: %(title)s")
            if activity.status == Activity.Status.CANCELLED
            else _("Changed: %(title)s")
        ),
        "message": "[%(title)s] " + extra,
    }
    return subjects[kind] % {"title": title, "date": when}


def compose(
    *, registration: Registration, kind: str, subject: str = "", body: str = "", reason: str = ""
):
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
        "reason": reason,
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
        # The one .ics builder (feeds.publishing, registered by feeds), shared with the feeds
        # and the download.
        cancelled = activity.status == Activity.Status.CANCELLED
        data = calendar_file(
            activity_id=activity.pk,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            method="CANCEL" if cancelled else "PUBLISH",
            attendees=(registration.email,),
        )
        if data is not None:
            message.attach("activity.ics", data, "text/calendar")
    return message


def _deliver(task, registration: Registration, *, key: str, build, **task_kwargs) -> str:
    """Send through the outbox: once per key, retried with back-off while SMTP is away."""
    from outbox import services as outbox

    if not key:
        key = f"registration:{registration.pk}:{uuid.uuid4().hex}"
    # Before composing: compose() mints new links, which would break a mail already sent.
    if outbox.already_sent(key=key):
        return "duplicate"
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        message = build()
    kwargs = {**task_kwargs, "key": key}
    delivery = outbox.deliver(
        message=message,
        key=key,
        topic=outbox.topic_for(registration.activity),
        task_path=f"{task.func.__module__}.{task.func.__name__}",
        task_kwargs=kwargs,
    )
    outbox.schedule_retry(task=task, delivery=delivery, **kwargs)
    return delivery.outcome


@task
def send_registration_mail(
    *, registration_id: int, kind: str, key: str = "", reason: str = ""
) -> str:
    registration = Registration.objects.select_related("activity").filter(pk=registration_id)
    registration = registration.first()
    if registration is None or kind not in KINDS:
        return "skipped"
    return _deliver(
        send_registration_mail,
        registration,
        key=key,
        build=lambda: compose(registration=registration, kind=kind, reason=reason),
        registration_id=registration_id,
        kind=kind,
        reason=reason,
    )


@task
def send_coordinator_message(
    *, registration_id: int, subject: str, body: str, key: str = ""
) -> str:
    registration = Registration.objects.select_related("activity").filter(pk=registration_id)
    registration = registration.first()
    if registration is None:
        return "skipped"
    return _deliver(
        send_coordinator_message,
        registration,
        key=key,
        build=lambda: compose(
            registration=registration, kind="message", subject=subject, body=body
        ),
        registration_id=registration_id,
        subject=subject,
        body=body,
    )
