"""Collecting impact answers: the baseline after registration, the follow-up surveys and their
one reminder, and partners' monthly counts. Views, the API, the tasks and the commands all call
these functions. Token links follow the ratings app's rules (`ratings.services`): 256-bit
tokens stored only as SHA-256 hashes, an expiry, and opening a link changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import Activity, Registration
from impact.models import (
    Baseline,
    BaselineAnswer,
    FollowUp,
    FollowUpAnswer,
    ImpactSettings,
    PartnerSignal,
    Referrals,
    SignalContact,
    SignalRequest,
)
from impact.statistics import month_start, shift_months
from network.models import Contact, Partner, Theme
from ratings.services import LinkError, link_token_hash, new_token, registrant_mail
from tours.models import Stop

logger = logging.getLogger(__name__)

WAVES = (1, 2)
TAKING_PART = [Registration.Status.ATTENDED, Registration.Status.CONFIRMED]


class ImpactError(Exception):
    """An answer that cannot be accepted; the message is fit to show to the respondent."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When a workspace's follow-ups go out (days after the activity ended, per wave), how long
    a link works and when the one reminder follows."""

    waves: dict[int, int]
    link_days: int
    reminder_days: int
    baseline_enabled: bool = True


def default_schedule() -> Schedule:
    first, second = settings.IMPACT_FOLLOWUP_DAYS
    waves = {1: first} if not second else {1: first, 2: second}
    return Schedule(
        waves=waves,
        link_days=settings.IMPACT_LINK_DAYS,
        reminder_days=settings.IMPACT_REMINDER_DAYS,
    )


def schedules_for(*, workspace_ids: list[int] | None = None) -> dict[int | None, Schedule]:
    """Each workspace's schedule (one query); key None holds the default for the others."""
    query = ImpactSettings.objects.all()
    if workspace_ids is not None:
        query = query.filter(workspace_id__in=workspace_ids)
    result: dict[int | None, Schedule] = {None: default_schedule()}
    for row in query:
        waves = {1: row.first_wave_days}
        if row.second_wave_days:
            waves[2] = row.second_wave_days
        result[row.workspace_id] = Schedule(
            waves=waves,
            link_days=row.link_days,
            reminder_days=row.reminder_days,
            baseline_enabled=row.baseline_enabled,
        )
    return result


def schedule_for(*, workspace_id: int) -> Schedule:
    schedules = schedules_for(workspace_ids=[workspace_id])
    return schedules.get(workspace_id, schedules[None])


# --- subjects: what is asked about ---------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A partner met on a tour, or a theme of a kenniscafé (its venue partner when it has no
    theme): the thing each question is about."""

    partner_id: int | None
    theme_id: int | None
    name: str

    @property
    def key(self) -> str:
        return subject_key(partner_id=self.partner_id, theme_id=self.theme_id)


def subject_key(*, partner_id: int | None, theme_id: int | None) -> str:
    """The form-field prefix of a subject's questions (and of a stored answer's)."""
    return f"p{partner_id}" if partner_id else f"t{theme_id}"


def subjects_for(*, activity: Activity) -> list[Subject]:
    if activity.kind == Activity.Kind.TOUR:
        return [
            Subject(partner_id=pid, theme_id=None, name=name)
            for pid, name in Stop.objects.filter(tour_id=activity.pk)
            .order_by("position")
            .values_list("partner_id", "partner__name")
        ]
    language = translation.get_language() or "nl"
    themes = [
        Subject(
            partner_id=None,
            theme_id=pk,
            name=(name_en or name) if language.startswith("en") else name,
        )
        for pk, name, name_en in Theme.objects.filter(activities=activity)
        .order_by("name")
        .values_list("pk", "name", "name_en")
    ]
    if themes or not activity.venue_partner_id:
        return themes
    venue = Partner.objects.filter(pk=activity.venue_partner_id).values_list("name", flat=True)
    return [Subject(partner_id=activity.venue_partner_id, theme_id=None, name=venue.first())]


@dataclass(frozen=True)
class SubjectAnswer:
    """One tap row: referrals bucket ("" = not answered), knows whom to call, knowledge 1–5."""

    subject: Subject
    referrals: str = ""
    knows_whom_to_call: bool | None = None
    knowledge: int | None = None

    @property
    def answered(self) -> bool:
        return bool(self.referrals) or self.knows_whom_to_call is not None or bool(self.knowledge)


def _check_answers(*, answers: list[SubjectAnswer], subjects: list[Subject]) -> None:
    valid = {subject.key for subject in subjects}
    seen: set[str] = set()
    for answer in answers:
        key = answer.subject.key
        if key not in valid or key in seen:
            raise ImpactError(_("One of the partners is not part of this activity."))
        seen.add(key)
        if answer.referrals not in ("", *Referrals.values):
            raise ImpactError(_("Choose 0, 1, 2–5 or more than 5."), field=f"{key}_referrals")
        if answer.knowledge is not None and (
            isinstance(answer.knowledge, bool) or not 1 <= answer.knowledge <= 5
        ):
            raise ImpactError(_("Choose a number from 1 to 5."), field=f"{key}_knowledge")


# --- baseline ------------------------------------------------------------------------------


def _invalid_link() -> str:
    return _("This link is not valid. Check that you copied it completely.")


def _expired_link() -> LinkError:
    return LinkError(_("This link has expired. Thank you for wanting to help anyway."), status=410)


def baseline_url(token: str) -> str:
    return settings.SITE_URL + reverse("impact:baseline", kwargs={"token": token})


def offer_baseline(*, registration: Registration, now: dt.datetime | None = None) -> str | None:
    """A fresh baseline link for a registration just made, or None when there is nothing to
    ask (switched off, no partners or themes, already answered or skipped, activity started).
    Asking again replaces the previous link."""
    now = now or timezone.now()
    activity = registration.activity
    if activity.starts_at <= now or registration.anonymised_at is not None:
        return None
    if not schedule_for(workspace_id=activity.workspace_id).baseline_enabled:
        return None
    if not subjects_for(activity=activity):
        return None
    token, token_hash = new_token()
    expires_at = min(now + dt.timedelta(hours=settings.IMPACT_BASELINE_HOURS), activity.starts_at)
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            registration=registration,
            defaults={
                "activity": activity,
                "token_hash": token_hash,
                "expires_at": expires_at,
                "respondent_domain": registration.domain,
                "respondent_profession": registration.profession,
            },
        )
        if not created:
            if baseline.submitted_at or baseline.skipped_at:
                return None
            baseline.token_hash = token_hash
            baseline.expires_at = expires_at
            baseline.save(update_fields=["token_hash", "expires_at"])
    return token


def baseline_for_token(*, token: str, now: dt.datetime | None = None) -> Baseline:
    """The baseline a token belongs to; LinkError (404 unknown, 410 expired). Changes nothing."""
    now = now or timezone.now()
    token_hash = link_token_hash(token, invalid=_invalid_link())
    baseline = (
        Baseline.objects.select_related("activity", "registration")
        .filter(token_hash=token_hash)
        .first()
    )
    if baseline is None or baseline.registration is None:
        raise LinkError(_invalid_link())
    if baseline.expires_at <= now or baseline.registration.status == Registration.Status.CANCELLED:
        raise _expired_link()
    return baseline


def submit_baseline(
    *, baseline: Baseline, answers: list[SubjectAnswer], now: dt.datetime | None = None
) -> Baseline:
    """Save (or replace) the baseline answers; all or nothing."""
    now = now or timezone.now()
    _check_answers(answers=answers, subjects=subjects_for(activity=baseline.activity))
    with transaction.atomic():
        baseline.answers.all().delete()
        BaselineAnswer.objects.bulk_create(
            BaselineAnswer(
                baseline=baseline,
                partner_id=a.subject.partner_id,
                theme_id=a.subject.theme_id,
                knowledge=a.knowledge,
                referrals=a.referrals,
            )
            for a in answers
            if a.answered
        )
        baseline.submitted_at = now
        baseline.skipped_at = None
        baseline.save(update_fields=["submitted_at", "skipped_at"])
    return baseline


def skip_baseline(*, baseline: Baseline, now: dt.datetime | None = None) -> None:
    Baseline.objects.filter(pk=baseline.pk, submitted_at__isnull=True).update(
        skipped_at=now or timezone.now()
    )


# --- follow-up surveys ---------------------------------------------------------------------


def followup_url(token: str) -> str:
    return settings.SITE_URL + reverse("impact:followup", kwargs={"token": token})


def _has_subjects() -> Q:
    stops = Stop.objects.filter(tour_id=OuterRef("activity_id"))
    themes = Theme.objects.filter(activities=OuterRef("activity_id"))
    return (
        Q(activity__kind=Activity.Kind.TOUR, has_stops=True)
        | Q(activity__kind=Activity.Kind.SESSION, has_themes=True)
        | Q(activity__kind=Activity.Kind.SESSION, activity__venue_partner__isnull=False)
    ), {"has_stops": Exists(stops), "has_themes": Exists(themes)}


def due_registrations(*, wave: int, days: int, link_days: int, now: dt.datetime, workspace_ids):
    """Registrations of the given workspaces whose wave is due and that have no survey for it:
    the activity (held, with partners or themes) ended `days` ago or more — but not so long ago
    that the link would already have expired. Invited are the checked-in people or, where
    nobody took attendance, every confirmed registrant; never the cancelled or no-shows."""
    attendance_taken = Registration.objects.filter(
        activity_id=OuterRef("activity_id"),
        status__in=[Registration.Status.ATTENDED, Registration.Status.NO_SHOW],
    )
    existing = FollowUp.objects.filter(registration_id=OuterRef("pk"), wave=wave)
    subjects, aliases = _has_subjects()
    query = Registration.objects.filter(
        activity__ends_at__lte=now - dt.timedelta(days=days),
        activity__ends_at__gt=now - dt.timedelta(days=days + link_days),
        activity__status=Activity.Status.PUBLISHED,
        anonymised_at__isnull=True,
    )
    if workspace_ids is None:
        query = query.exclude(activity__workspace__impact_settings__isnull=False)
    else:
        query = query.filter(activity__workspace_id__in=workspace_ids)
    return (
        query.alias(
            attendance_taken=Exists(attendance_taken), has_survey=Exists(existing), **aliases
        )
        .filter(has_survey=False)
        .filter(
            Q(status=Registration.Status.ATTENDED)
            | Q(status=Registration.Status.CONFIRMED, attendance_taken=False)
        )
        .filter(subjects)
    )


def create_due_followups(*, now: dt.datetime | None = None) -> int:
    """Create the surveys that are due; returns how many this run created. Two runs at once
    cannot both create one: the second insert breaks the unique constraint and is skipped."""
    now = now or timezone.now()
    schedules = schedules_for()
    created = 0
    # Workspaces with their own settings one by one; all others (key None) share the default.
    for workspace_id, schedule in schedules.items():
        scope = None if workspace_id is None else [workspace_id]
        for wave, days in schedule.waves.items():
            rows = due_registrations(
                wave=wave, days=days, link_days=schedule.link_days, now=now, workspace_ids=scope
            ).values_list("pk", "activity_id", "domain", "profession")
            for registration_id, activity_id, domain, profession in rows:
                try:
                    with transaction.atomic():
                        FollowUp.objects.create(
                            registration_id=registration_id,
                            activity_id=activity_id,
                            wave=wave,
                            token_hash=new_token()[1],
                            respondent_domain=domain,
                            respondent_profession=profession,
                        )
                except IntegrityError:
                    continue  # another run created it first
                created += 1
    return created


def send_followup_surveys(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Create due surveys, send every unsent one and the one reminder; returns mails queued.

    Safe to run twice, also at the same time on several machines: a survey is created at most
    once per registration and wave (unique constraint) and claimed for sending by a conditional
    UPDATE, so only one run sends it. The mail goes out from a task queued on commit; a mail that
    fails is marked unsent again and the next run retries it.
    """
    now = now or timezone.now()
    created = create_due_followups(now=now)
    schedules = schedules_for()
    sent = reminded = 0
    unsent = FollowUp.objects.filter(
        sent_at__isnull=True,
        anonymised_at__isnull=True,
        registration__status__in=TAKING_PART,
    ).values_list("pk", "activity__workspace_id")
    with transaction.atomic():
        for followup_id, workspace_id in list(unsent):
            schedule = schedules.get(workspace_id, schedules[None])
            claimed = FollowUp.objects.filter(pk=followup_id, sent_at__isnull=True).update(
                sent_at=now, expires_at=now + dt.timedelta(days=schedule.link_days)
            )
            if claimed:
                sent += 1
                _queue_mail(followup_id=followup_id, reminder=False)
    reminders_due = FollowUp.objects.filter(
        sent_at__isnull=False,
        reminder_sent_at__isnull=True,
        answered_at__isnull=True,
        expires_at__gt=now,
        anonymised_at__isnull=True,
        registration__status__in=TAKING_PART,
    ).values_list("pk", "sent_at", "activity__workspace_id")
    with transaction.atomic():
        for followup_id, sent_at, workspace_id in list(reminders_due):
            schedule = schedules.get(workspace_id, schedules[None])
            if sent_at > now - dt.timedelta(days=schedule.reminder_days):
                continue
            claimed = FollowUp.objects.filter(
                pk=followup_id, reminder_sent_at__isnull=True, answered_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                reminded += 1
                _queue_mail(followup_id=followup_id, reminder=True)
    return {"created": created, "sent": sent, "reminders": reminded}


def _queue_mail(*, followup_id: int, reminder: bool) -> None:
    from impact import tasks

    transaction.on_commit(
        lambda: tasks.send_followup_mail.enqueue(followup_id=followup_id, reminder=reminder)
    )


def deliver_followup(*, followup_id: int, reminder: bool) -> str:
    """Mint the link and send the survey (or its reminder) in the attendee's language.

    The token is made here, when the mail is written, so no secret link waits in a task queue;
    only its hash is stored. When sending fails the claim is undone for the next run."""
    followup = (
        FollowUp.objects.select_related("registration", "activity__coordinator")
        .filter(pk=followup_id, anonymised_at__isnull=True)
        .first()
    )
    if followup is None or followup.registration is None:
        return "skipped"
    token, token_hash = new_token()
    field = "reminder_token_hash" if reminder else "token_hash"
    FollowUp.objects.filter(pk=followup_id).update(**{field: token_hash})
    try:
        build_followup_mail(followup=followup, token=token, reminder=reminder).send()
    except Exception:
        logger.exception("Follow-up survey %s could not be sent", followup_id)
        marker = "reminder_sent_at" if reminder else "sent_at"
        FollowUp.objects.filter(pk=followup_id).update(**{marker: None})
        return "failed"
    return "sent"


def build_followup_mail(
    *, followup: FollowUp, token: str, reminder: bool
) -> EmailMultiAlternatives:
    registration = followup.registration
    activity = followup.activity
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "activity": activity,
            "followup": followup,
            "subjects": subjects_for(activity=activity),
            "url": followup_url(token),
            "expires_at": followup.expires_at,
            "reminder": reminder,
        }
        subject = (
            _("Reminder: did you refer anyone since %(title)s?")
            if reminder
            else _("Since %(title)s: did you refer anyone? (1 minute)")
        ) % {"title": activity.title}
        text = render_to_string("impact/email/followup.txt", context)
        html = render_to_string("impact/email/followup.html", context)
    return registrant_mail(
        registration=registration, activity=activity, subject=subject, text=text, html=html
    )


def followup_for_token(*, token: str, now: dt.datetime | None = None) -> FollowUp:
    """The survey a first or reminder token belongs to; LinkError 404 when unknown, 410 when
    expired or the registration was cancelled. Looking it up changes nothing."""
    now = now or timezone.now()
    token_hash = link_token_hash(token, invalid=_invalid_link())
    followup = (
        FollowUp.objects.select_related("activity", "registration")
        .filter(Q(token_hash=token_hash) | Q(reminder_token_hash=token_hash))
        .first()
    )
    if followup is None or followup.sent_at is None or followup.registration is None:
        raise LinkError(_invalid_link())
    if followup.registration.status in (
        Registration.Status.CANCELLED,
        Registration.Status.NO_SHOW,
    ):
        raise LinkError(_("This link is no longer valid."), status=410)
    if followup.expires_at is not None and followup.expires_at <= now:
        raise LinkError(
            _("This link expired on %(date)s. Thank you for wanting to help anyway.")
            % {"date": timezone.localtime(followup.expires_at).strftime("%d-%m-%Y")},
            status=410,
        )
    return followup


def submit_followup(
    *,
    followup: FollowUp,
    answers: list[SubjectAnswer],
    story: str = "",
    story_partner_id: int | None = None,
    consent_to_share: bool = False,
    now: dt.datetime | None = None,
) -> FollowUp:
    """Save (or replace) a survey's answers; all or nothing. A story is shared only with
    consent, and only when there is one."""
    now = now or timezone.now()
    subjects = subjects_for(activity=followup.activity)
    _check_answers(answers=answers, subjects=subjects)
    if story_partner_id and story_partner_id not in {s.partner_id for s in subjects}:
        raise ImpactError(_("One of the partners is not part of this activity."), field="story")
    story = story.strip()
    with transaction.atomic():
        followup.answers.all().delete()
        FollowUpAnswer.objects.bulk_create(
            FollowUpAnswer(
                followup=followup,
                partner_id=a.subject.partner_id,
                theme_id=a.subject.theme_id,
                referrals=a.referrals,
                knows_whom_to_call=a.knows_whom_to_call,
                knowledge=a.knowledge,
            )
            for a in answers
            if a.answered
        )
        followup.story = story
        followup.story_partner_id = story_partner_id if story else None
        followup.consent_to_share = bool(consent_to_share and story)
        followup.answered_at = followup.answered_at or now
        followup.save(update_fields=["story", "story_partner", "consent_to_share", "answered_at"])
    return followup


# --- partner-side counts -------------------------------------------------------------------


def record_partner_signal(
    *,
    partner: Partner,
    month: dt.date,
    via_professional: int,
    via_tour_participant: int | None = None,
    source: str = PartnerSignal.Source.EDITOR,
    user=None,
    now: dt.datetime | None = None,
) -> PartnerSignal:
    """Record (or correct) one month's count. Months in the future cannot be recorded."""
    now = now or timezone.now()
    month = month_start(month)
    if month > month_start(timezone.localdate(now)):
        raise ImpactError(_("This month has not started yet."), field="month")
    if isinstance(via_professional, bool) or via_professional < 0:
        raise ImpactError(_("Give a whole number of 0 or more."), field="via_professional")
    if via_tour_participant is not None and not 0 <= via_tour_participant <= via_professional:
        raise ImpactError(
            _("This cannot be more than the residents who came via a professional."),
            field="via_tour_participant",
        )
    signal, _created = PartnerSignal.objects.update_or_create(
        partner=partner,
        month=month,
        defaults={
            "via_professional": via_professional,
            "via_tour_participant": via_tour_participant,
            "source": source,
            "recorded_by": user if user is not None and user.is_authenticated else None,
        },
    )
    return signal


def set_signal_opt_in(*, contact: Contact, opted_in: bool, user=None) -> None:
    if opted_in:
        SignalContact.objects.get_or_create(
            contact=contact,
            defaults={"opted_in_by": user if user is not None and user.is_authenticated else None},
        )
    else:
        SignalContact.objects.filter(contact=contact).delete()


def signal_url(token: str) -> str:
    return settings.SITE_URL + reverse("impact:signal_link", kwargs={"token": token})


def send_signal_requests(*, now: dt.datetime | None = None) -> int:
    """Mail each opted-in partner contact last month's counting link, once per partner and
    month (unique constraint: a second run, or a second machine, creates nothing)."""
    now = now or timezone.now()
    month = shift_months(month_start(timezone.localdate(now)), -1)
    queued = 0
    optins = (
        SignalContact.objects.filter(contact__partner__is_active=True)
        .exclude(contact__email="")
        .order_by("contact__partner_id", "pk")
        .values_list("contact__partner_id", "contact_id")
    )
    first_contact: dict[int, int] = {}
    for partner_id, contact_id in optins:
        first_contact.setdefault(partner_id, contact_id)
    recorded = set(
        PartnerSignal.objects.filter(month=month, partner_id__in=first_contact).values_list(
            "partner_id", flat=True
        )
    )
    for partner_id, contact_id in first_contact.items():
        if partner_id in recorded:
            continue
        token, token_hash = new_token()
        try:
            with transaction.atomic():
                request = SignalRequest.objects.create(
                    partner_id=partner_id,
                    month=month,
                    contact_id=contact_id,
                    token_hash=token_hash,
                    sent_at=now,
                    expires_at=now + dt.timedelta(days=settings.IMPACT_LINK_DAYS + 10),
                )
                transaction.on_commit(
                    lambda pk=request.pk, token=token: _deliver_signal_request(
                        request_id=pk, token=token
                    )
                )
        except IntegrityError:
            continue
        queued += 1
    return queued


def _deliver_signal_request(*, request_id: int, token: str) -> None:
    request = SignalRequest.objects.select_related("partner", "contact").get(pk=request_id)
    context = {"request": request, "url": signal_url(token), "partner": request.partner}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("How many residents came via a professional in %(month)s?") % {
            "month": request.month.strftime("%m-%Y")
        }
        text = render_to_string("impact/email/signal_request.txt", context)
    try:
        EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[request.contact.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
    except Exception:
        logger.exception("Partner counting link %s could not be sent", request_id)
        # Deleting the claim lets the next run try again with a fresh token.
        SignalRequest.objects.filter(pk=request_id, answered_at__isnull=True).delete()


def signal_request_for_token(*, token: str, now: dt.datetime | None = None) -> SignalRequest:
    now = now or timezone.now()
    token_hash = link_token_hash(token, invalid=_invalid_link())
    request = SignalRequest.objects.select_related("partner").filter(token_hash=token_hash).first()
    if request is None:
        raise LinkError(_invalid_link())
    if request.expires_at is not None and request.expires_at <= now:
        raise _expired_link()
    return request


def answer_signal_request(
    *,
    request: SignalRequest,
    via_professional: int,
    via_tour_participant: int | None,
    now: dt.datetime | None = None,
) -> PartnerSignal:
    now = now or timezone.now()
    with transaction.atomic():
        signal = record_partner_signal(
            partner=request.partner,
            month=request.month,
            via_professional=via_professional,
            via_tour_participant=via_tour_participant,
            source=PartnerSignal.Source.LINK,
            now=now,
        )
        SignalRequest.objects.filter(pk=request.pk).update(answered_at=now)
    return signal


# --- retention -----------------------------------------------------------------------------


def anonymise_for_registrations(*, registration_ids: list[int], now: dt.datetime) -> int:
    """With the registration go the links and the free text; the counts stay (answers keep the
    copied profession and domain, not the person). Called by the privacy app."""
    followups = FollowUp.objects.filter(registration_id__in=registration_ids)
    revoked = _revoked_expression()
    count = followups.filter(anonymised_at__isnull=True).update(
        token_hash=revoked,
        reminder_token_hash=None,
        story="",
        consent_to_share=False,
        story_partner=None,
        anonymised_at=now,
    )
    # The (scrubbed) registration stays linked: it pairs baseline and follow-up answers for
    # the knowledge gain, and it no longer says who answered.
    Baseline.objects.filter(registration_id__in=registration_ids).update(
        token_hash=_revoked_expression()
    )
    return count


def _revoked_expression():
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    return Concat(Value("revoked-"), Cast("pk", CharField()), output_field=CharField())


def export_for_registration_ids(*, registration_ids: list[int]) -> dict[int, dict]:
    """What the person gave per registration, for the privacy export (no tokens)."""
    result: dict[int, dict] = {rid: {"baseline": None, "followups": []} for rid in registration_ids}
    for baseline in Baseline.objects.filter(registration_id__in=registration_ids).prefetch_related(
        "answers__partner", "answers__theme"
    ):
        result[baseline.registration_id]["baseline"] = [
            {
                "about": str(answer.partner or answer.theme),
                "knowledge": answer.knowledge,
                "referrals": answer.referrals,
            }
            for answer in baseline.answers.all()
        ]
    for followup in (
        FollowUp.objects.filter(registration_id__in=registration_ids, answered_at__isnull=False)
        .prefetch_related("answers__partner", "answers__theme")
        .order_by("wave")
    ):
        result[followup.registration_id]["followups"].append(
            {
                "wave": followup.wave,
                "answered_at": followup.answered_at.isoformat(),
                "story": followup.story,
                "consent_to_share": followup.consent_to_share,
                "answers": [
                    {
                        "about": str(answer.partner or answer.theme),
                        "referrals": answer.referrals,
                        "knows_whom_to_call": answer.knows_whom_to_call,
                        "knowledge": answer.knowledge,
                    }
                    for answer in followup.answers.all()
                ],
            }
        )
    return result
