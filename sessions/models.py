from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from core.models import Workspace


class SessionSeries(models.Model):
    """A recurring kenniscafé (weekly or monthly) whose dates can be edited one by one or
    all at once."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.PROTECT, related_name="session_series"
    )
    title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.title


class KnowledgeSession(Activity):
    """A kenniscafé: a knowledge session on one theme, hosted by a partner or at a venue,
    sometimes online. The online link is shown only to confirmed registrants."""

    online_url = models.URLField(_("online meeting link"), blank=True)
    speakers = models.TextField(_("speakers"), blank=True)
    programme = models.TextField(_("programme"), blank=True)
    accreditation_points = models.DecimalField(
        _("accreditation points"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    accrediting_body = models.CharField(_("accrediting body"), max_length=200, blank=True)
    series = models.ForeignKey(
        SessionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )

    class Meta:
        verbose_name = _("kenniscafé")
        verbose_name_plural = _("kenniscafés")
        constraints = [
            models.CheckConstraint(
                condition=Q(accreditation_points__isnull=True) | Q(accreditation_points__gte=0),
                name="accreditation_points_non_negative",
                violation_error_message=_("Accreditation points cannot be negative."),
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self.kind = Activity.Kind.SESSION
        super().save(*args, **kwargs)
