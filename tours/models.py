from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from core.validators import validate_latitude, validate_longitude
from network.models import Contact, Partner


class Tour(Activity):
    """A wijktour: a group of professionals cycles past partners in one neighbourhood.

    The meeting point is the activity's venue; the end point is a partner or an address.
    The composed route (order, times, distance, geometry) is stored on the tour and its stops,
    so pages, feeds and GPX never recompute it.
    """

    end_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tours_ending",
        verbose_name=_("end point (partner)"),
    )
    end_name = models.CharField(_("end point name"), max_length=200, blank=True)
    end_address = models.CharField(_("end point address"), max_length=250, blank=True)
    end_latitude = models.FloatField(
        _("end latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    end_longitude = models.FloatField(
        _("end longitude"), null=True, blank=True, validators=[validate_longitude]
    )
    rental_bikes_available = models.BooleanField(_("rental bikes available"), default=False)
    ebikes_available = models.BooleanField(_("e-bikes available"), default=False)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    bad_weather_rule = models.TextField(_("bad-weather rule"), blank=True)
    leg_buffer_minutes = models.PositiveSmallIntegerField(_("buffer per leg (minutes)"), default=5)
    manual_order = models.BooleanField(_("order fixed by coordinator"), default=False)
    total_distance_m = models.PositiveIntegerField(default=0, editable=False)
    total_cycling_s = models.PositiveIntegerField(default=0, editable=False)
    route_geometry = models.JSONField(default=dict, blank=True, editable=False)
    route_estimated = models.BooleanField(default=True, editable=False)
    route_problems = models.JSONField(default=list, blank=True, editable=False)
    # Per leg (start → first stop, ..., last stop → end): distance and the turn instructions
    # per language, {"distance_m", "steps": {"nl": [...], "en": [...]}}; empty for the estimate.
    route_legs = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("wijktour")
        verbose_name_plural = _("wijktours")

    def save(self, *args, **kwargs) -> None:
        self.kind = Activity.Kind.TOUR
        super().save(*args, **kwargs)


class Stop(models.Model):
    """One visit during a tour: a partner, planned arrival and departure, and the host."""

    tour = models.ForeignKey(Tour, on_delete=models.CASCADE, related_name="stops")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="stops")
    position = models.PositiveSmallIntegerField(_("order"))
    visit_minutes = models.PositiveSmallIntegerField(
        _("visit length (minutes)"),
        default=30,
        validators=[
            MinValueValidator(5, _("A visit lasts from 5 to 240 minutes.")),
            MaxValueValidator(240, _("A visit lasts from 5 to 240 minutes.")),
        ],
    )
    arrives_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    departs_at = models.DateTimeField(_("departure"), null=True, blank=True)
    host = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_stops",
        verbose_name=_("host"),
    )
    programme = models.TextField(_("programme"), blank=True)
    distance_from_previous_m = models.PositiveIntegerField(default=0, editable=False)
    travel_from_previous_s = models.PositiveIntegerField(default=0, editable=False)
    window_violation = models.CharField(max_length=300, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["tour", "position"]
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        constraints = [
            models.UniqueConstraint(
                fields=["tour", "position"],
                name="unique_stop_position",
                violation_error_message=_("Another stop already has this place in the order."),
            ),
            models.UniqueConstraint(
                fields=["tour", "partner"],
                name="unique_stop_partner",
                violation_error_message=_("This partner is already a stop on this tour."),
            ),
            models.CheckConstraint(
                condition=Q(visit_minutes__gte=5, visit_minutes__lte=240),
                name="stop_visit_length_sane",
                violation_error_message=_("A visit lasts from 5 to 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(arrives_at__isnull=True)
                | Q(departs_at__isnull=True)
                | Q(departs_at__gte=F("arrives_at")),
                name="stop_departs_after_arrival",
                violation_error_message=_("The departure must be after the arrival."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.partner}"
