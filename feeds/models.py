from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from network.models import Partner


class PartnerFeed(models.Model):
    """A partner's own public iCalendar link (open days, walking group, spreekuur).

    We fetch it on a schedule and keep its upcoming events as `ImportedEvent`s, so the
    partner's own activities show in the neighbourhood agenda. The fetch state (validators
    for conditional requests, last success, last error in plain words) lives here so editors
    can see why their agenda is not showing.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="partner_feeds", editable=False
    )
    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="feed", verbose_name=_("partner")
    )
    url = models.URLField(_("calendar link (iCalendar)"), max_length=500)
    enabled = models.BooleanField(_("show in the agenda"), default=True)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful fetch"), null=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    event_count = models.PositiveIntegerField(_("events"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("partner feed")
        verbose_name_plural = _("partner feeds")

    def __str__(self) -> str:
        return f"{self.partner}: {self.url}"

    def save(self, *args, **kwargs) -> None:
        # A feed belongs to the partner's workspace, whatever the caller passed.
        self.workspace_id = self.partner.workspace_id
        super().save(*args, **kwargs)


class ImportedEvent(models.Model):
    """One occurrence of a partner's own activity, read from their feed.

    Recurring events are expanded for the import horizon; `recurrence_id` (UTC, ISO 8601, or
    empty for a one-off event) tells occurrences of one series apart. These are the
    partner's own: people register with the partner, not through us.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="imported_events", editable=False
    )
    feed = models.ForeignKey(PartnerFeed, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=500)
    recurrence_id = models.CharField(max_length=40, blank=True, default="")
    summary = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("imported event")
        verbose_name_plural = _("imported events")
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "uid", "recurrence_id"],
                name="imported_event_unique_occurrence",
                violation_error_message=_(
                    "This calendar already holds this occurrence of the event."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="imported_event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.summary
