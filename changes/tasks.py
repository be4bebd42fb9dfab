"""Change notices, one task per confirmed save (enqueued on commit).

The task claims its ActivityChange by setting `notices_sent_at` in one UPDATE, so running it
twice never mails twice. Registrants get a mail in their own language with the diff and, if
they hold a seat, the updated calendar entry (same UID, higher SEQUENCE, METHOD:REQUEST or
METHOD:CANCEL); partners whose stop moved get a mail about their own stop.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext as _

from activities.models import Registration
from activities.services import _new_token, hash_token
from changes.diff import partners_in
from changes.models import ActivityChange, SentMessage
from changes.services import (
    TOLD,
    group_members,
    line_text,
    partner_addresses,
    partner_line_text,
)
from feeds.publishing import activity_mail_event, calendar_file, stop_event
from feeds.selectors import SEATED
from network.models import Partner
from tours.models import Stop


def _subject(change: ActivityChange) -> str:
    values = {"title": change.activity.title}
    if change.kind == ActivityChange.Kind.CANCELLED:
        return _("Cancelled: %(title)s") % values
    if change.kind == ActivityChange.Kind.REINSTATED:
        return _("Goes ahead after all: %(title)s") % values
    return _("Changed: %(title)s") % values


def _message(subject: str, text: str, to: list[str]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(linebreaks(urlize(text, autoescape=True)), "text/html")
    return message


def registrant_messages(change: ActivityChange) -> list[EmailMultiAlternatives]:
    activity = change.activity
    registrations = list(
        Registration.objects.filter(activity_id=activity.pk, status__in=TOLD).order_by("pk")
    )
    # Fresh personal links in one statement for everyone (each mail replaces the last one's).
    tokens = {}
    for registration in registrations:
        tokens[registration.pk] = _new_token()
        registration.cancel_token_hash = hash_token(tokens[registration.pk])
    Registration.objects.bulk_update(registrations, ["cancel_token_hash"])
    cancelled = change.kind == ActivityChange.Kind.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    events: dict[str, object] = {}
    messages = []
    for registration in registrations:
        language = registration.language or settings.LANGUAGE_CODE
        with translation.override(language):
            if language not in events:
                events[language] = activity_mail_event(activity_id=activity.pk, language=language)
            token = tokens[registration.pk]
            context = {
                "change": change,
                "activity": activity,
                "registration": registration,
                "lines": (
                    [line_text(line) for line in change.lines]
                    if change.kind == ActivityChange.Kind.CHANGED
                    else []
                ),
                "starts_at": timezone.localtime(activity.starts_at),
                "ends_at": timezone.localtime(activity.ends_at),
                "activity_url": settings.SITE_URL + activity.get_absolute_url(),
                "personal_url": settings.SITE_URL
                + reverse("activities:registration", kwargs={"token": token}),
                "cancel_url": settings.SITE_URL
                + reverse("activities:cancel", kwargs={"token": token}),
            }
            text = render_to_string("changes/email/registrant.txt", context)
            message = _message(_subject(change), text, [registration.email])
            if registration.status == Registration.Status.CONFIRMED:
                message.attach(
                    "activity.ics",
                    calendar_file(
                        event=events[language],
                        language=language,
                        method=method,
                        attendees=(registration.email,),
                    ),
                    "text/calendar",
                )
            messages.append(message)
    return messages


def _stop_files(change: ActivityChange, partner_ids: list[int], language: str) -> dict[int, bytes]:
    """Per partner, their own stop as the partner feed shows it (same UID and SEQUENCE), as a
    calendar file that updates or removes it in their calendar; all stops in one query."""
    stops = (
        Stop.objects.filter(tour_id=change.activity_id, partner_id__in=partner_ids)
        .filter(arrives_at__isnull=False, departs_at__isnull=False)
        .select_related("tour", "tour__coordinator", "partner")
        .defer("tour__route_geometry", "tour__route_problems")
        .annotate(
            group_size=Count(
                "tour__registrations", filter=Q(tour__registrations__status__in=SEATED)
            )
        )
    )
    method = "CANCEL" if change.kind == ActivityChange.Kind.CANCELLED else "REQUEST"
    files = {}
    for stop in stops:
        event = stop_event(stop, themes=[], language=language)
        files[stop.partner_id] = calendar_file(event=event, language=language, method=method)
    return files


def partner_messages(change: ActivityChange) -> list[EmailMultiAlternatives]:
    activity = change.activity
    partner_ids = partners_in(change.lines)
    addresses = partner_addresses(partner_ids=partner_ids)
    names = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    messages = []
    # Partners have no language of their own: the site's (Dutch first).
    with translation.override(settings.LANGUAGE_CODE):
        files = _stop_files(change, partner_ids, settings.LANGUAGE_CODE)
        for line in change.lines:
            to = addresses.get(line.get("partner"), [])
            if not to:
                continue
            context = {
                "change": change,
                "activity": activity,
                "partner_name": names.get(line["partner"], line.get("name", "")),
                "line": partner_line_text(line),
                "starts_at": timezone.localtime(activity.starts_at),
                "activity_url": settings.SITE_URL + activity.get_absolute_url(),
            }
            text = render_to_string("changes/email/partner.txt", context)
            message = _message(_subject(change), text, to)
            if line["partner"] in files:
                message.attach("stop.ics", files[line["partner"]], "text/calendar")
            messages.append(message)
    return messages


@task
def send_change_notices(*, change_id: int) -> str:
    claimed = ActivityChange.objects.filter(pk=change_id, notices_sent_at__isnull=True).update(
        notices_sent_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    change = ActivityChange.objects.select_related("activity").get(pk=change_id)
    messages = registrant_messages(change) + partner_messages(change)
    if messages:
        mailers.default.send_messages(messages)
    return f"sent {len(messages)}"


@task
def send_group_message(*, message_id: int) -> str:
    """Send a coordinator's message to the group as it is now; once (the marker)."""
    from activities.tasks import compose

    claimed = SentMessage.objects.filter(pk=message_id, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    sent = SentMessage.objects.get(pk=message_id)
    registrations = group_members(activity_id=sent.activity_id, group=sent.group).select_related(
        "activity"
    )
    messages = []
    for registration in registrations:
        with translation.override(registration.language or settings.LANGUAGE_CODE):
            messages.append(
                compose(
                    registration=registration, kind="message", subject=sent.subject, body=sent.body
                )
            )
    if messages:
        mailers.default.send_messages(messages)
    return f"sent {len(messages)}"


def test_message(*, activity, user, subject: str, body: str) -> EmailMultiAlternatives:
    """The message as a registrant would get it, addressed to the coordinator themself."""
    context = {
        "kind": "message",
        "registration": Registration(name=user.get_full_name() or user.get_username()),
        "activity": activity,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "links": {"activity": settings.SITE_URL + activity.get_absolute_url()},
        "message_body": body,
        "site_url": settings.SITE_URL,
    }
    text = render_to_string("activities/email/registration.txt", context)
    return _message(
        _("[Test] %(subject)s") % {"subject": f"[{activity.title}] {subject}"},
        text,
        [user.email],
    )
