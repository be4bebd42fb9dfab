from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.models import Workspace
from core.validators import (
    validate_geojson_polygon,
    validate_latitude,
    validate_longitude,
    validate_phone,
    validate_postcode,
)
from core.vocab import Domain, HealthDimension


class Neighbourhood(models.Model):
    """A wijk or buurt: the area a partner network, its tours and its map belong to."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.PROTECT, related_name="neighbourhoods"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    municipality = models.CharField(_("municipality"), max_length=120)
    cbs_code = models.CharField(
        _("CBS wijk or buurt code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^(WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$",
                _("Enter a CBS code such as WK036306 (wijk) or BU03630600 (buurt)."),
            )
        ],
        help_text=_("Published as the service area in the open data (HSDS)."),
    )
    latitude = models.FloatField(_("latitude"), validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), validators=[validate_longitude])
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_geojson_polygon]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="neighbourhood_coordinates_in_range",
                violation_error_message=_(
                    "Latitude must lie between -90 and 90 and longitude between -180 and 180."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:map", kwargs={"slug": self.slug})


class Theme(models.Model):
    """A theme partners and activities are tagged with, mapped onto Positive Health."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    dimensions = models.JSONField(
        _("Positive Health dimensions"),
        default=list,
        blank=True,
        help_text=_("Which of the six Positive Health dimensions this theme serves."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: English when there is one and English is on."""
        language = translation.get_language() or "nl"
        return self.name_en if language.startswith("en") and self.name_en else self.name

    @property
    def dimension_labels(self) -> list[str]:
        labels = dict(HealthDimension.choices)
        return [str(labels[d]) for d in self.dimensions if d in labels]


class Partner(models.Model):
    """An organisation or initiative in the sociale kaart that residents can be referred to.

    Tours visit partners; a partner's visiting hours decide when a group may arrive, and its
    referral notes are what a professional needs to send a resident there.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain)
    themes = models.ManyToManyField(Theme, related_name="partners", blank=True)
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="partners", blank=True)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=120)
    latitude = models.FloatField(_("latitude"), validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), validators=[validate_longitude])
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(
        _("public phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    referral_info = models.TextField(_("how to refer a resident"), blank=True)
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    max_group_size = models.PositiveIntegerField(_("maximum group size"), null=True, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("A KvK number has eight digits."))],
    )
    assured_date = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_("When the partner last confirmed its entry is correct."),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="edited_partners",
        blank=True,
        verbose_name=_("partner editors"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="partner_coordinates_in_range",
                violation_error_message=_(
                    "Latitude must lie between -90 and 90 and longitude between -180 and 180."
                ),
            ),
            models.CheckConstraint(
                condition=Q(domain__in=Domain.values),
                name="partner_domain_valid",
                violation_error_message=_("Choose one of the domains in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:partner", kwargs={"slug": self.slug})


class VisitingWindow(models.Model):
    """A weekly time window in which a partner receives groups (used to schedule tour stops)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="visiting_windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("visiting window")
        verbose_name_plural = _("visiting windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="window_closes_after_opening",
                violation_error_message=_("A visiting window must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6),
                name="window_weekday_valid",
                violation_error_message=_("Choose a day from Monday to Sunday."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Contact(models.Model):
    """A named person at a partner, with direct lines for referrals. Personal data: only
    coordinators and the partner's own editors ever see contacts."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    phone = models.CharField(
        _("direct phone"), max_length=32, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Mail about tours visiting this partner (a stop moves, a tour is cancelled) also goes here.
    receives_tour_notices = models.BooleanField(_("receives tour change notices"), default=False)
    is_public = models.BooleanField(
        _("public contact"),
        default=False,
        help_text=_("A public contact (e.g. a front desk) is published in the open data."),
    )
    receives_review_requests = models.BooleanField(
        _("receives review requests"),
        default=False,
        help_text=_("Mail this contact a link to check the entry every few months."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"
