from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Registration
from core.vocab import Domain
from tours.models import Stop

GRADE_RANGE = Q(grade__gte=1, grade__lte=10)
GRADE_VALIDATORS = [
    MinValueValidator(1, _("A grade is a whole number from 1 to 10.")),
    MaxValueValidator(10, _("A grade is a whole number from 1 to 10.")),
]


class RatingInvitation(models.Model):
    """The personal rating link one attendee receives after an activity has ended.

    The token is only known to the mail that carried it; the database keeps its SHA-256 hash.
    A reminder carries a fresh token (its hash kept beside the first), so both links keep
    working until the invitation expires. Opening a link changes nothing; submitting does.
    """

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="rating_invitation"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    reminder_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("first used at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")

    def __str__(self) -> str:
        return f"{_('Rating invitation')} #{self.pk}"


class Rating(models.Model):
    """One participant's verdict on one activity: a Dutch school grade from 1 to 10.

    A rating comes from a personal link (one per registration, updated on resubmission) or from
    a shared device link shown on the spot (no registration; one per device, counted apart as
    "device ratings"). The rater's profession domain is copied so statistics never need the
    registration; a comment is shown to the partner only when its author consented.
    """

    class Source(models.TextChoices):
        LINK = "link", _("Personal link")
        DEVICE = "device", _("Device (on the spot)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="ratings")
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rating",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.LINK)
    grade = models.PositiveSmallIntegerField(_("grade"), validators=GRADE_VALIDATORS)
    most_valuable = models.TextField(_("most valuable"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    consent_to_share = models.BooleanField(_("may be shared and quoted"), default=False)
    rater_domain = models.CharField(_("rater domain"), max_length=20, choices=Domain, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=GRADE_RANGE,
                name="rating_grade_1_to_10",
                violation_error_message=_("A grade is a whole number from 1 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=["link", "device"]),
                name="rating_source_valid",
                violation_error_message=_("A rating comes from a personal link or from a device."),
            ),
            # A link rating belongs to its registration; a device rating never has one.
            models.CheckConstraint(
                condition=Q(source="device", registration__isnull=True) | Q(source="link"),
                name="rating_device_has_no_registration",
                violation_error_message=_(
                    "A rating made on a device does not belong to a registration."
                ),
            ),
        ]
        indexes = [models.Index(fields=["activity", "source"])]

    def __str__(self) -> str:
        return f"{self.activity}: {self.grade}"


class StopRating(models.Model):
    """A participant's grade for one stop of a tour, and whether they would now refer
    residents to that partner — the question tours exist for."""

    class Refer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="stop_ratings")
    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="ratings")
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=GRADE_VALIDATORS
    )
    would_refer = models.CharField(_("would refer"), max_length=5, choices=Refer, blank=True)

    class Meta:
        verbose_name = _("stop rating")
        verbose_name_plural = _("stop ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["rating", "stop"],
                name="one_rating_per_stop",
                violation_error_message=_("This stop already has a grade in this rating."),
            ),
            models.CheckConstraint(
                condition=GRADE_RANGE | Q(grade__isnull=True),
                name="stop_rating_grade_1_to_10",
                violation_error_message=_("A grade is a whole number from 1 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(would_refer__in=["yes", "maybe", "no", ""]),
                name="stop_rating_refer_valid",
                violation_error_message=_("Answer yes, maybe or no."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stop}: {self.grade}"
