"""Sending a mail once, retrying with back-off, and telling the coordinator what is stuck."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import OutgoingMail

logger = logging.getLogger("wijktour.outbox")
# Errors that say "the mail server is away or refused", worth trying again later.
TRANSIENT = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | duplicate | retry | failed
    retry_at: datetime | None = None


def backoff_seconds(*, attempt: int) -> int:
    """30 s, 1, 2, 4 … minutes (MAIL_RETRY_BASE_SECONDS doubling), capped at an hour."""
    base = settings.MAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), 3600)


def already_sent(*, key: str) -> bool:
    return OutgoingMail.objects.filter(key=key, status=OutgoingMail.Status.SENT).exists()


def message_id(*, key: str) -> str:
    """A stable Message-ID from the key: should a mail still go out twice (a crash between
    the server's answer and our write), mail clients show it once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "wijktour.localhost"
    return f"<{digest}@{domain}>"


def deliver(
    *,
    message: EmailMessage,
    key: str,
    topic: str,
    task_path: str = "",
    task_kwargs: dict | None = None,
    now: datetime | None = None,
) -> Delivery:
    """Send `message` unless the mail with this key went out already; on a transient error
    record the failure and when to try again (None once MAIL_RETRY_ATTEMPTS are used)."""
    now = now or timezone.now()
    mail, _created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "topic": topic,
            "recipient": (message.to or [""])[0],
            "subject": str(message.subject)[:255],
            "task_path": task_path,
            "task_kwargs": task_kwargs or {},
        },
    )
    if mail.status == OutgoingMail.Status.SENT:
        return Delivery(outcome="duplicate")
    message.extra_headers["Message-ID"] = message_id(key=key)
    mail.attempts += 1
    try:
        message.send()
    except TRANSIENT as error:
        mail.last_error = f"{error.__class__.__name__}: {error}"[:255]
        if mail.attempts >= settings.MAIL_RETRY_ATTEMPTS:
            mail.status = OutgoingMail.Status.FAILED
            mail.next_attempt_at = None
        else:
            mail.status = OutgoingMail.Status.RETRYING
            mail.next_attempt_at = now + timedelta(seconds=backoff_seconds(attempt=mail.attempts))
        mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning(
            "mail %s not delivered (attempt %s): %s", key, mail.attempts, mail.last_error
        )
        if mail.status == OutgoingMail.Status.FAILED:
            return Delivery(outcome="failed")
        return Delivery(outcome="retry", retry_at=mail.next_attempt_at)
    record_sent(mail_id=mail.pk, attempts=mail.attempts)
    return Delivery(outcome="sent")


def record_sent(*, mail_id: int, attempts: int) -> None:
    """Mark a mail the SMTP server accepted as sent. The mail is out: forgetting that because
    the database blinked (a restart mid-rush) would send it again on the retry, so keep trying
    for MAIL_RECORD_SECONDS, reconnecting between tries, before giving up."""
    deadline = time.monotonic() + settings.MAIL_RECORD_SECONDS
    pause = 0.2
    while True:
        try:
            OutgoingMail.objects.filter(pk=mail_id).update(
                attempts=attempts,
                status=OutgoingMail.Status.SENT,
                sent_at=timezone.now(),
                next_attempt_at=None,
                last_error="",
            )
            return
        except DatabaseError:
            # Inside a transaction the connection cannot be replaced; the caller's rollback
            # decides, as it would for any other write of that transaction.
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("mail %s sent but not yet recorded; the database is away", mail_id)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def schedule_retry(*, task, delivery: Delivery, **kwargs) -> None:
    """Queue the task again at `delivery.retry_at` when the tasks backend can defer; otherwise
    `retry_due_mails` (a periodic job) queues it when it is due."""
    if delivery.outcome != "retry" or not task.get_backend().supports_defer:
        return
    task.using(run_after=delivery.retry_at).enqueue(**kwargs)


def retry_due_mails(*, now: datetime | None = None) -> int:
    """Queue again every mail whose retry is due and that no deferred task will pick up."""
    now = now or timezone.now()
    due = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.RETRYING, next_attempt_at__lte=now
    ).exclude(task_path="")
    count = 0
    for mail in due:
        task = import_string(mail.task_path)
        grace = timedelta(seconds=settings.MAIL_RETRY_GRACE_SECONDS)
        if task.get_backend().supports_defer and mail.next_attempt_at > now - grace:
            continue  # a deferred task is queued for it
        task.enqueue(**mail.task_kwargs)
        count += 1
    return count


def prune_mails(*, now: datetime | None = None) -> int:
    """Forget sent and given-up mails after OUTBOX_KEEP_DAYS: the rows hold e-mail addresses,
    and once a mail is settled only its idempotency matters, which a retry never needs that
    late."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    settled = [OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED]
    deleted, _ = OutgoingMail.objects.filter(status__in=settled, created_at__lt=cutoff).delete()
    return deleted


def undelivered(*, topic: str) -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(
        topic=topic, status__in=[OutgoingMail.Status.RETRYING, OutgoingMail.Status.FAILED]
    ).order_by("created_at", "pk")


def topic_for(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"
