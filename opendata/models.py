"""Open data: the sociale kaart published and read as Open Referral HSDS 3.0.

The partner network (network) is the source of truth; this app adds what publishing it needs:
the HSDS identity of each record (a UUID derived from workspace, record kind and primary key,
or the UUID an imported file gave it, so ids survive re-exports and round trips), the review
cycle in which partners confirm or correct their own entry through a tokenised link (changes
wait for a coordinator's approval), and per-workspace settings for the embeddable referral
search. Nothing here knows about tours or events.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from network.models import Contact, Partner


class HsdsIdentity(models.Model):
    """The UUID an imported HSDS file gave one of our records (kind + key, e.g. organization +
    partner pk). Records without one get a deterministic uuid5."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=40)
    key = models.CharField(_("record key"), max_length=80)
    uuid = models.UUIDField(_("HSDS id"))

    class Meta:
        verbose_name = _("HSDS identity")
        verbose_name_plural = _("HSDS identities")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "key"],
                name="hsds_identity_one_per_record",
                violation_error_message=_("This record already has an HSDS id."),
            ),
            models.UniqueConstraint(
                fields=["workspace", "uuid"],
                name="hsds_identity_uuid_unique",
                violation_error_message=_("This HSDS id is already used by another record."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} = {self.uuid}"


class PublishingSettings(models.Model):
    """Per-workspace settings for the embeddable referral search."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="publishing_settings"
    )
    frame_ancestors = models.TextField(
        _("sites that may embed the referral search"),
        blank=True,
        help_text=_("One origin per line, e.g. https://www.gemeente.nl"),
    )

    class Meta:
        verbose_name = _("publishing settings")
        verbose_name_plural = _("publishing settings")

    def __str__(self) -> str:
        return str(self.workspace)

    @property
    def frame_ancestor_list(self) -> list[str]:
        return [line.strip() for line in self.frame_ancestors.splitlines() if line.strip()]


class ReviewRequest(models.Model):
    """A tokenised link mailed to a partner's contact asking whether the entry is still right.
    Only the token's hash is stored; the link expires."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("Still correct")
        CHANGED = "changed", _("Changes proposed")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="review_requests")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("sent_at")),
                name="review_expires_after_sent",
                violation_error_message=_("A review link must expire after it is sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.sent_at:%Y-%m-%d})"


class ChangeProposal(models.Model):
    """Changes a partner proposed through a review link, waiting for a coordinator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="change_proposals")
    review = models.ForeignKey(
        ReviewRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="change_proposal_status_valid",
                violation_error_message=_("Choose waiting for approval, approved or rejected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_status_display()})"
