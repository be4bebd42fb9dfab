from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from core.validators import validate_latitude, validate_longitude, validate_phone
from core.vocab import Domain, Profession
from network.models import Neighbourhood, Partner, Theme


class Activity(models.Model):
    """Something professionals register for: a wijktour or a kenniscafé.

    It has a date, a place, a capacity, registrations and ratings. Tours and knowledge
    sessions extend it (multi-table inheritance), so the agenda, the feeds, registration
    and ratings deal with one table whatever the kind.
    """

    class Kind(models.TextChoices):
        TOUR = "tour", _("Wijktour")
        SESSION = "session", _("Kenniscafé")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        verbose_name=_("neighbourhood"),
    )
    themes = models.ManyToManyField(Theme, related_name="activities", blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    # Where it starts: for a tour the meeting point, for a kenniscafé the venue.
    venue_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="hosted_activities",
        null=True,
        blank=True,
        verbose_name=_("venue (partner)"),
    )
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=250, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    # Domain mix: cap on the share of one domain, e.g. {"medisch": 60} (percent), and seats
    # reserved per domain, e.g. {"sociaal": 5}.
    domain_caps = models.JSONField(_("maximum share per domain (%)"), default=dict, blank=True)
    domain_reserved = models.JSONField(_("seats reserved per domain"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_activities",
        verbose_name=_("coordinator"),
    )
    # iCalendar SEQUENCE: raised on every change that matters to an attendee.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["tour", "session"]),
                name="activity_kind_valid",
                violation_error_message=_("Choose a wijktour or a kenniscafé."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]),
                name="activity_status_valid",
                violation_error_message=_("Choose draft, published or cancelled."),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    # Changes to these fields matter to an attendee: calendar clients must replace the entry.
    ATTENDEE_FIELDS = (
        "starts_at",
        "ends_at",
        "venue_partner_id",
        "venue_name",
        "venue_address",
        "latitude",
        "longitude",
        "status",
    )

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_attendee_values", None)
        if loaded and any(getattr(self, name) != value for name, value in loaded.items()):
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)
        self._remember_attendee_fields()

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.TOUR:
            return reverse("tours:detail", kwargs={"pk": self.pk})
        return reverse("knowledge_sessions:detail", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._remember_attendee_fields()
        return instance

    def _remember_attendee_fields(self) -> None:
        self._attendee_values = {
            name: self.__dict__[name] for name in self.ATTENDEE_FIELDS if name in self.__dict__
        }


class Registration(models.Model):
    """One professional's registration for one activity, made without an account.

    Seats are decided in `activities.services.register`; the status moves from confirmed or
    waitlisted to cancelled, attended or no-show. The cancel token is stored only as a hash.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    class BikeNeed(models.TextChoices):
        OWN = "own", _("Own bike")
        RENTAL = "rental", _("Rental bike")
        EBIKE = "ebike", _("E-bike")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    bike_need = models.CharField(_("bike"), max_length=10, choices=BikeNeed, blank=True)
    notes = models.TextField(_("accessibility or dietary notes"), blank=True)
    language = models.CharField(max_length=8, default="nl")
    status = models.CharField(_("status"), max_length=12, choices=Status, db_index=True)
    waitlist_reason = models.CharField(max_length=200, blank=True)
    cancel_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    feed_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    consent_at = models.DateTimeField(null=True, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # Marker that makes `send_reminders` idempotent.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per e-mail per activity; a cancelled one may be renewed.
            models.UniqueConstraint(
                fields=["activity", "email"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_email",
                violation_error_message=_(
                    "This e-mail address is already registered for this activity."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["confirmed", "waitlisted", "cancelled", "attended", "no_show"]
                ),
                name="registration_status_valid",
                violation_error_message=_("Choose a valid registration status."),
            ),
        ]
        indexes = [models.Index(fields=["activity", "status"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.activity}"
