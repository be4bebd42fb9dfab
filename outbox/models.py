"""The outbox: one row per mail we promised to send, keyed by an idempotency key that the
sender chose when it queued the mail. A task that runs twice (a worker killed mid-task and the
task picked up again, a retry after a timeout) finds the row sent and does not send again; a
mail the SMTP server refused is retried with back-off from the row, and stays visible to the
coordinator (by its topic, e.g. "activity:12") until it is delivered or given up. Generic: it
knows addresses and subjects, not registrations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Not delivered yet, will retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered, given up")

    key = models.CharField(max_length=120, unique=True)
    topic = models.CharField(max_length=100, db_index=True)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    # What to run again: the task's import path and keyword arguments.
    task_path = models.CharField(max_length=200, blank=True)
    task_kwargs = models.JSONField(default=dict, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.status})"
