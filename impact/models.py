"""Impact: whether professionals refer residents to the partners they met on a tour.

A registrant may answer a short, skippable baseline right after registering (per partner on
the tour, or per theme of a kenniscafé: how well they know it, how often they referred last
quarter). Weeks and months after the activity they get follow-up micro-surveys by personal
token link (waves configured per workspace) asking, per partner met, whether they referred
residents there since and whether they now know whom to call, with an optional success story
shared only with consent. Partners add the other side as monthly counts of residents who came
via a professional from the neighbourhood — counts only, never resident data. Answers copy the
respondent's profession and domain, so figures survive the registration's anonymisation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Registration
from core.models import Workspace
from core.vocab import Domain, Profession
from network.models import Contact, Partner, Theme

KNOWLEDGE_RANGE = Q(knowledge__gte=1, knowledge__lte=5)
ONE_SUBJECT = Q(partner__isnull=False, theme__isnull=True) | Q(
    partner__isnull=True, theme__isnull=False
)


class Referrals(models.TextChoices):
    """How many residents someone referred or pointed to a partner: the four answer buckets."""

    NONE = "0", _("0")
    ONE = "1", _("1")
    SOME = "2-5", _("2–5")
    MANY = "6+", _("more than 5")


REFERRALS_VALID = Q(referrals__in=[*Referrals.values, ""])


class ImpactSettings(models.Model):
    """A workspace's follow-up schedule: days after the activity for each wave, the link
    lifetime and the reminder delay. Without a row the defaults below apply."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="impact_settings"
    )
    first_wave_days = models.PositiveSmallIntegerField(
        _("first follow-up (days after)"), default=28
    )
    second_wave_days = models.PositiveSmallIntegerField(
        _("second follow-up (days after)"), null=True, blank=True, default=91
    )
    link_days = models.PositiveSmallIntegerField(_("links valid for (days)"), default=21)
    reminder_days = models.PositiveSmallIntegerField(_("reminder after (days)"), default=7)
    baseline_enabled = models.BooleanField(_("ask the baseline after registration"), default=True)

    class Meta:
        verbose_name = _("impact settings")
        verbose_name_plural = _("impact settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_wave_days__gte=1),
                name="impact_first_wave_after_activity",
                violation_error_message=_(
                    "The first follow-up must come at least one day after the activity."
                ),
            ),
            models.CheckConstraint(
                condition=Q(second_wave_days__isnull=True)
                | Q(second_wave_days__gt=models.F("first_wave_days")),
                name="impact_second_wave_after_first",
                violation_error_message=_("The second follow-up must come after the first."),
            ),
            models.CheckConstraint(
                condition=Q(link_days__gte=1) & Q(reminder_days__lt=models.F("link_days")),
                name="impact_reminder_within_link_life",
                violation_error_message=_("The reminder must go out while the link still works."),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Impact settings')}: {self.workspace}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.first_wave_days is not None and self.first_wave_days < 1:
            errors["first_wave_days"] = _(
                "The first follow-up must come at least one day after the activity."
            )
        if self.second_wave_days is not None and self.second_wave_days <= self.first_wave_days:
            errors["second_wave_days"] = _("The second follow-up must come after the first.")
        if self.reminder_days >= self.link_days:
            errors["reminder_days"] = _("The reminder must go out while the link still works.")
        if errors:
            raise ValidationError(errors)


class Baseline(models.Model):
    """The optional answers a registrant gives right after registering, before the activity.

    Reached by its own token link from the confirmation page (stored hashed); skipping it is
    recorded so the page does not ask again."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_baseline",
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="baselines")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    respondent_domain = models.CharField(max_length=20, choices=Domain, blank=True)
    respondent_profession = models.CharField(max_length=30, choices=Profession, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")

    def __str__(self) -> str:
        return f"{_('Baseline')} #{self.pk}"


class BaselineAnswer(models.Model):
    """Knowledge (1–5) of one partner or theme, and referrals to it last quarter."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="answers")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, null=True, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True)
    knowledge = models.PositiveSmallIntegerField(_("how well you know it"), null=True, blank=True)
    referrals = models.CharField(
        _("referrals last quarter"), max_length=3, choices=Referrals, blank=True
    )

    class Meta:
        verbose_name = _("baseline answer")
        verbose_name_plural = _("baseline answers")
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="baseline_answer_one_subject",
                violation_error_message=_("An answer is about one partner or one theme."),
            ),
            models.CheckConstraint(
                condition=KNOWLEDGE_RANGE | Q(knowledge__isnull=True),
                name="baseline_knowledge_1_to_5",
                violation_error_message=_("Choose a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=REFERRALS_VALID,
                name="baseline_referrals_valid",
                violation_error_message=_("Choose one of the answers in the list."),
            ),
            models.UniqueConstraint(
                fields=["baseline", "partner"],
                name="one_baseline_answer_per_partner",
                violation_error_message=_("You already answered for this partner."),
            ),
            models.UniqueConstraint(
                fields=["baseline", "theme"],
                name="one_baseline_answer_per_theme",
                violation_error_message=_("You already answered for this theme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner or self.theme}: {self.knowledge}"


class FollowUp(models.Model):
    """One follow-up survey of one registration in one wave (1 = weeks after, 2 = months after).

    Created by `send_followup_surveys` (one per registration and wave: the unique constraint is
    what makes two runs at once safe) and claimed for sending by a conditional UPDATE. The
    reminder carries a second token so both links work until the survey expires.
    """

    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_followups",
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="followups")
    wave = models.PositiveSmallIntegerField(_("wave"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    reminder_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    respondent_domain = models.CharField(max_length=20, choices=Domain, blank=True)
    respondent_profession = models.CharField(max_length=30, choices=Profession, blank=True)
    story = models.TextField(_("success story"), blank=True)
    story_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("story about"),
    )
    consent_to_share = models.BooleanField(_("may be shared and quoted"), default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity", "wave", "pk"]
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "wave"],
                name="one_followup_per_registration_wave",
                violation_error_message=_(
                    "This registration already has a follow-up survey in this wave."
                ),
            ),
            models.CheckConstraint(
                condition=Q(wave__in=[1, 2]),
                name="followup_wave_valid",
                violation_error_message=_("Choose the first or the second follow-up."),
            ),
            # A story is only shared when there is one.
            models.CheckConstraint(
                condition=Q(consent_to_share=False) | ~Q(story=""),
                name="followup_consent_needs_story",
                violation_error_message=_("Write a story before you allow it to be shared."),
            ),
        ]
        indexes = [models.Index(fields=["activity", "wave"])]

    def __str__(self) -> str:
        return f"{self.activity}: {_('wave')} {self.wave}"


class FollowUpAnswer(models.Model):
    """One tap per partner met (or theme of a kenniscafé): referrals since, whether they now
    know whom to call there, and how well they know it now (1–5, optional)."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="answers")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, null=True, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True)
    referrals = models.CharField(_("referred since"), max_length=3, choices=Referrals, blank=True)
    knows_whom_to_call = models.BooleanField(_("knows whom to call"), null=True, blank=True)
    knowledge = models.PositiveSmallIntegerField(
        _("how well you know it now"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("follow-up answer")
        verbose_name_plural = _("follow-up answers")
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="followup_answer_one_subject",
                violation_error_message=_("An answer is about one partner or one theme."),
            ),
            models.CheckConstraint(
                condition=KNOWLEDGE_RANGE | Q(knowledge__isnull=True),
                name="followup_knowledge_1_to_5",
                violation_error_message=_("Choose a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=REFERRALS_VALID,
                name="followup_referrals_valid",
                violation_error_message=_("Choose one of the answers in the list."),
            ),
            models.UniqueConstraint(
                fields=["followup", "partner"],
                name="one_followup_answer_per_partner",
                violation_error_message=_("You already answered for this partner."),
            ),
            models.UniqueConstraint(
                fields=["followup", "theme"],
                name="one_followup_answer_per_theme",
                violation_error_message=_("You already answered for this theme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner or self.theme}: {self.referrals}"


class PartnerSignal(models.Model):
    """A partner's own count for one month: residents who came via a professional from the
    neighbourhood and, if they know it, how many of those via a tour participant."""

    class Source(models.TextChoices):
        EDITOR = "editor", _("Partner page")
        LINK = "link", _("Monthly link")
        DEMO = "demo", _("Demo data")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="impact_signals")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    via_professional = models.PositiveIntegerField(_("residents via a professional"))
    via_tour_participant = models.PositiveIntegerField(
        _("of whom via a tour participant"), null=True, blank=True
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.EDITOR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner", "month"]
        verbose_name = _("partner signal")
        verbose_name_plural = _("partner signals")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month"],
                name="one_signal_per_month",
                violation_error_message=_("This partner already has a count for this month."),
            ),
            models.CheckConstraint(
                condition=Q(via_tour_participant__isnull=True)
                | Q(via_tour_participant__lte=models.F("via_professional")),
                name="signal_tour_within_professional",
                violation_error_message=_(
                    "Residents via a tour participant cannot outnumber those via a professional."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.month:%Y-%m}: {self.via_professional}"


class SignalContact(models.Model):
    """A partner contact who agreed to receive the monthly counting link."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="impact_optin")
    opted_in_at = models.DateTimeField(_("opted in at"), auto_now_add=True)
    opted_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signal contact")
        verbose_name_plural = _("signal contacts")

    def __str__(self) -> str:
        return str(self.contact)


class SignalRequest(models.Model):
    """The monthly link mailed to a partner's opted-in contact to record one month's count.
    One per partner and month (the claim two job runs cannot both win)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signal request")
        verbose_name_plural = _("signal requests")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month"],
                name="one_signal_request_per_month",
                violation_error_message=_(
                    "This partner already has a counting link for this month."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.month:%Y-%m}"
