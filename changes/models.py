from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity


class ActivityChange(models.Model):
    """What changed in a published activity, and who was told: a moved start, a stop that
    shifts, a new place, a cancellation (with its reason) or a cancellation undone.

    One row per confirmed save. `lines` is the diff as plain data (rendered in each reader's
    language); `notices_sent_at` is the marker that makes sending the notices idempotent.
    Recipients' addresses are never copied here: the counts say how many were told.
    """

    class Kind(models.TextChoices):
        CHANGED = "changed", _("Changed")
        CANCELLED = "cancelled", _("Cancelled")
        REINSTATED = "reinstated", _("Goes ahead after all")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    lines = models.JSONField(_("what changed"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"))
    registrants = models.PositiveIntegerField(_("registrants told"), default=0)
    partners = models.PositiveIntegerField(_("partners told"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notices_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activity change")
        verbose_name_plural = _("activity changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["changed", "cancelled", "reinstated"]),
                name="activity_change_kind_valid",
                violation_error_message=_("Choose changed, cancelled or goes ahead after all."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.get_kind_display()}"


class SentMessage(models.Model):
    """A coordinator's message to a group of an activity's registrants: what, when, to how
    many. The addresses stay on the registrations; this is the history, not a mailing list."""

    class Group(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("No-show")
        WAITLISTED = "waitlisted", _("Waiting list")
        CAME = "came", _("Everyone who came")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sent_messages")
    group = models.CharField(_("recipients"), max_length=12, choices=Group)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"))
    recipients = models.PositiveIntegerField(_("number of recipients"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    # Marker that makes the sending task idempotent.
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=["confirmed", "checked_in", "no_show", "waitlisted", "came"]),
                name="sent_message_group_valid",
                violation_error_message=_("Choose one of the recipient groups in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class PendingRecheck(models.Model):
    """A published tour whose schedule a partner's change (location, visiting hours) has
    moved or broken. Nothing is sent until the coordinator confirms the new schedule."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="rechecks")
    partner = models.ForeignKey(
        "network.Partner", on_delete=models.CASCADE, related_name="tour_rechecks"
    )
    lines = models.JSONField(_("what would change"), default=list, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity__starts_at", "pk"]
        verbose_name = _("tour to re-check")
        verbose_name_plural = _("tours to re-check")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "partner"],
                name="one_recheck_per_tour_partner",
                violation_error_message=_(
                    "This tour is already waiting to be re-checked for this partner."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.partner}"
