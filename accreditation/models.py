"""Accreditation (nascholing): continuing-education points for attending tours and kenniscafés.

An activity is accredited per registry (BIG/GAIA, Kwaliteitsregister V&V, Registerplein, NVvPO,
LV POH-GGZ, SKJ): one `Accreditation` each, with its ID number at the registry, points, hours,
status and deadlines. A registrant whose profession fits gives their registry number
(`RegistrationRegistryNumber`); check-in, an optional "left early at" (`Attendance`) and the
activity's breaks (`Break`) give the net attended time. Closing attendance (`AttendanceClosure`)
issues a `Certificate` per attendee with the points and hours actually attended, verifiable by
its code; presence goes to the registries as paste-ready lists, PDF/XLSX presence lists, or the
PE-online/GAIA webservice (`PresenceSubmission`, one row per person and registry).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accreditation.registries import Registry
from activities.models import Activity, Registration


class Accreditation(models.Model):
    """One registry's accreditation of one activity."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="accreditations")
    registry = models.CharField(_("registry"), max_length=20, choices=Registry)
    accreditation_id = models.CharField(
        _("accreditation ID number"),
        max_length=40,
        blank=True,
        help_text=_("The course ID the registry gave (GAIA or PE-online)."),
    )
    edition_id = models.CharField(
        _("edition ID"),
        max_length=40,
        blank=True,
        help_text=_("PE-online edition (editie) ID, if the registry uses one."),
    )
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, null=True, blank=True)
    hours = models.DecimalField(
        _("accredited hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when the whole activity (without breaks) is accredited."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    number_required = models.BooleanField(
        _("registry number required"),
        default=False,
        help_text=_("Registrants whose profession fits must give their number."),
    )
    application_due_on = models.DateField(
        _("application due"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the registry's usual deadline."),
    )
    presence_due_on = models.DateField(
        _("presence due"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the registry's usual deadline."),
    )
    presence_submitted_on = models.DateField(_("presence submitted on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "registry"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "registry"],
                name="one_accreditation_per_registry",
                violation_error_message=_(
                    "This activity already has an accreditation at this registry."
                ),
            ),
            models.CheckConstraint(
                condition=Q(registry__in=Registry.values),
                name="accreditation_registry_valid",
                violation_error_message=_("Choose one of the registries in the list."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "granted", "refused"]),
                name="accreditation_status_valid",
                violation_error_message=_("Choose requested, granted or refused."),
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="accreditation_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="accreditation_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} · {self.activity}"

    def clean(self) -> None:
        if self.points is not None and self.points < 0:
            raise ValidationError({"points": _("Points cannot be negative.")})
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("Hours must be more than zero.")})


class Break(models.Model):
    """A pause during an activity: it does not count as attended time."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="breaks")
    starts_at = models.DateTimeField(_("break starts"))
    ends_at = models.DateTimeField(_("break ends"))

    class Meta:
        ordering = ["activity", "starts_at"]
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="break_ends_after_start",
                violation_error_message=_("A break must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A break must end after it starts.")})


class RegistrationRegistryNumber(models.Model):
    """A registrant's number at one registry (personal data: coordinators only)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="registry_numbers"
    )
    registry = models.CharField(_("registry"), max_length=20, choices=Registry)
    number = models.CharField(_("registry number"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registration", "registry"]
        verbose_name = _("registry number")
        verbose_name_plural = _("registry numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "registry"],
                name="one_number_per_registry",
                violation_error_message=_(
                    "This registration already has a number at this registry."
                ),
            ),
            models.CheckConstraint(
                condition=Q(registry__in=Registry.values),
                name="registry_number_registry_valid",
                violation_error_message=_("Choose one of the registries in the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} #{self.registration_id}"


class Attendance(models.Model):
    """What check-in alone does not tell: that someone left before the end."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"attendance #{self.registration_id}"


class AttendanceClosure(models.Model):
    """Attendance of an activity is final: no-shows marked, certificates issued."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="attendance_closure"
    )
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the daily job closed it."),
    )

    class Meta:
        verbose_name = _("attendance closure")
        verbose_name_plural = _("attendance closures")

    def __str__(self) -> str:
        return f"closed #{self.activity_id}"


class Certificate(models.Model):
    """Proof of attendance with the points and hours actually attended. The registrant's and
    activity's details are read from the registration; the figures are fixed at issue."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(_("certificate code"), max_length=20, unique=True, editable=False)
    attended_minutes = models.PositiveIntegerField(_("attended minutes"))
    # Per registry at issue: [{"registry", "accreditation_id", "points", "hours"}].
    lines = models.JSONField(_("accreditations"), default=list)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Rendered once (see accreditation.documents); mails and downloads reuse it.
    pdf = models.BinaryField(null=True, editable=False)
    # Marker that makes the certificate mail idempotent.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["registration", "-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_registration",
                violation_error_message=_("This registration already has a valid certificate."),
            )
        ]

    def __str__(self) -> str:
        return self.code


class PresenceSubmission(models.Model):
    """One person's presence sent to a registry's webservice, and the answer. Accepted rows
    are never sent again."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.CASCADE, related_name="submissions"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="presence_submissions"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    message = models.CharField(_("message"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["accreditation", "registration"]
        verbose_name = _("presence submission")
        verbose_name_plural = _("presence submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "registration"],
                name="one_submission_per_person",
                violation_error_message=_(
                    "This person's presence has already been sent to this registry."
                ),
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["accepted", "rejected"]),
                name="presence_submission_outcome_valid",
                violation_error_message=_("Choose accepted or rejected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} #{self.registration_id}"
