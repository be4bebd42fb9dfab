"""Demo impact data: baselines, follow-up answers and partner counts for last year's tours, so
the report tells a believable story (about 63 % referred to a partner from the tour), plus one
tour that ended two days ago whose rating and follow-up links are open, printed for a new user.

Builds on the activities and registrations the other demo modules made (looked up, never
created, except the one recent tour). Deterministic — answers come from generators seeded with
the activity and the registration — and idempotent: rows are matched and updated in place.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from activities.models import Activity, Registration
from impact import services
from impact.models import (
    Baseline,
    BaselineAnswer,
    FollowUp,
    FollowUpAnswer,
    PartnerSignal,
)
from impact.statistics import month_start, shift_months
from ratings.models import Rating, RatingInvitation
from ratings.services import link_lifetime, new_token, rating_url
from tours.models import Stop, Tour

WORKSPACE = "ros-amsterdam"
RECENT_TITLE = "Wijktour Indische Buurt — net afgelopen (probeer de vragen)"
REFERRED_SHARE = {1: 0.5, 2: 0.54}
ANSWER_SHARE = {1: 0.72, 2: 0.58}
BASELINE_SHARE = 0.6
STORIES = [
    "Een patiënt met geldzorgen heb ik naar het spreekuur gestuurd; ze kreeg dezelfde week hulp.",
    "Ik heb een eenzame meneer meegenomen naar de inloop; hij komt er nu elke dinsdag.",
    "Dankzij de tour wist ik wie ik moest bellen voor een mantelzorger die vastliep.",
    "Een moeder met taalvragen gaat nu naar het taalcafé in de bibliotheek.",
    "Ik verwijs nu rechtstreeks naar de vrijwilligers voor boodschappen en klusjes.",
]


def _days_since(activity: Activity, now: dt.datetime) -> int:
    return (now - activity.ends_at).days


def seed(*, stdout) -> None:
    now = timezone.now()
    activities = list(
        Activity.objects.filter(
            workspace__slug=WORKSPACE,
            status=Activity.Status.PUBLISHED,
            ends_at__lt=now - dt.timedelta(days=28),
        )
        .exclude(title=RECENT_TITLE)
        .order_by("starts_at", "pk")
    )
    if not activities:
        stdout.write("Impact: no past activities in the demo data yet; skipped.")
        return
    subjects = {}
    for activity in activities:
        subjects[activity.pk] = services.subjects_for(activity=activity)
    registrations = Registration.objects.filter(
        activity__in=activities, status=Registration.Status.ATTENDED
    ).order_by("activity_id", "pk")
    answered = 0
    for registration in registrations:
        activity = next(a for a in activities if a.pk == registration.activity_id)
        items = subjects[activity.pk]
        if not items:
            continue
        answered += _answer(registration, activity, items, now)
    partners = _seed_signals(activities, now)
    stdout.write(
        f"Impact: {answered} follow-up answers for {len(activities)} past activities; "
        f"monthly counts for {partners} partners."
    )
    _seed_recent_tour(activities=activities, now=now, stdout=stdout)


def _answer(registration: Registration, activity: Activity, items, now: dt.datetime) -> int:
    rng = random.Random(f"wijktour-impact|{activity.title}|{registration.email}")
    knowledge_before = {s.key: rng.choice([1, 2, 2, 3, 3]) for s in items}
    if rng.random() < BASELINE_SHARE:
        baseline, _ = Baseline.objects.update_or_create(
            registration=registration,
            defaults={
                "activity": activity,
                "token_hash": f"demo-baseline-{registration.pk}",
                "expires_at": activity.starts_at,
                "submitted_at": activity.starts_at - dt.timedelta(days=12),
                "respondent_domain": registration.domain,
                "respondent_profession": registration.profession,
            },
        )
        baseline.answers.all().delete()
        BaselineAnswer.objects.bulk_create(
            BaselineAnswer(
                baseline=baseline,
                partner_id=s.partner_id,
                theme_id=s.theme_id,
                knowledge=knowledge_before[s.key],
                referrals=rng.choices(["0", "1", "2-5"], weights=[72, 20, 8])[0],
            )
            for s in items
        )
    count = 0
    for wave, days in ((1, 28), (2, 91)):
        if _days_since(activity, now) < days:
            continue
        sent_at = activity.ends_at + dt.timedelta(days=days)
        responds = rng.random() < ANSWER_SHARE[wave]
        followup, _ = FollowUp.objects.update_or_create(
            registration=registration,
            wave=wave,
            defaults={
                "activity": activity,
                "token_hash": f"demo-followup-{registration.pk}-{wave}",
                "sent_at": sent_at,
                "reminder_sent_at": sent_at + dt.timedelta(days=7),
                "expires_at": sent_at + dt.timedelta(days=21),
                "answered_at": sent_at + dt.timedelta(days=rng.randint(0, 10))
                if responds
                else None,
                "respondent_domain": registration.domain,
                "respondent_profession": registration.profession,
            },
        )
        followup.answers.all().delete()
        if not responds:
            continue
        referred = rng.random() < REFERRED_SHARE[wave]
        chosen = set(rng.sample([s.key for s in items], k=min(len(items), rng.choice([1, 1, 2]))))
        story_partner = None
        rows = []
        for s in items:
            hit = referred and s.key in chosen
            rows.append(
                FollowUpAnswer(
                    followup=followup,
                    partner_id=s.partner_id,
                    theme_id=s.theme_id,
                    referrals=rng.choices(["1", "2-5", "6+"], weights=[55, 38, 7])[0]
                    if hit
                    else "0",
                    knows_whom_to_call=hit or rng.random() < 0.55,
                    knowledge=min(5, knowledge_before[s.key] + rng.choice([0, 1, 1, 2])),
                )
            )
            if hit and story_partner is None:
                story_partner = s.partner_id
        FollowUpAnswer.objects.bulk_create(rows)
        story = rng.choice(STORIES) if referred and rng.random() < 0.2 else ""
        FollowUp.objects.filter(pk=followup.pk).update(
            story=story,
            story_partner_id=story_partner if story else None,
            consent_to_share=bool(story) and rng.random() < 0.8,
        )
        count += len(rows)
    return count


def _seed_signals(activities: list[Activity], now: dt.datetime) -> int:
    first_visit: dict[int, dt.date] = {}
    for tour_id, partner_id in Stop.objects.filter(
        tour_id__in=[a.pk for a in activities]
    ).values_list("tour_id", "partner_id"):
        day = timezone.localdate(next(a for a in activities if a.pk == tour_id).starts_at)
        first_visit[partner_id] = min(first_visit.get(partner_id, day), day)
    this_month = month_start(timezone.localdate(now))
    counted = 0
    for partner_id, visit in sorted(first_visit.items()):
        rng = random.Random(f"wijktour-impact-signal|{partner_id}")
        if counted and rng.random() > 0.6:
            continue  # not every partner counts, but at least one does (whatever the ids)
        counted += 1
        month = shift_months(month_start(visit), -8)
        visit_month = month_start(visit)
        while month < this_month:
            after = month > visit_month
            total = rng.randint(4, 9) if after else rng.randint(1, 4)
            PartnerSignal.objects.update_or_create(
                partner_id=partner_id,
                month=month,
                defaults={
                    "via_professional": total,
                    "via_tour_participant": rng.randint(1, min(4, total)) if after else None,
                    "source": PartnerSignal.Source.DEMO,
                },
            )
            month = shift_months(month, 1)
    return counted


def _seed_recent_tour(*, activities: list[Activity], now: dt.datetime, stdout) -> None:
    """A tour that ended two days ago, with one registration whose rating link and follow-up
    link work now (the real follow-up would come after four weeks)."""
    template = next((a for a in reversed(activities) if a.kind == Activity.Kind.TOUR), None)
    if template is None:
        return
    template = Tour.objects.get(pk=template.pk)
    starts = (now - dt.timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    tour, _ = Tour.objects.update_or_create(
        title=RECENT_TITLE,
        workspace_id=template.workspace_id,
        defaults={
            "neighbourhood_id": template.neighbourhood_id,
            "description": template.description,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "venue_name": template.venue_name,
            "venue_address": template.venue_address,
            "latitude": template.latitude,
            "longitude": template.longitude,
            "status": Activity.Status.PUBLISHED,
            "coordinator_id": template.coordinator_id,
        },
    )
    if not tour.stops.exists():
        for stop in Stop.objects.filter(tour=template).order_by("position")[:4]:
            Stop.objects.create(tour=tour, partner_id=stop.partner_id, position=stop.position)
    registration, _ = Registration.objects.update_or_create(
        activity=tour,
        email="probeer@wijktour.example.org",
        defaults={
            "name": "Probeer Deelnemer",
            "organisation": "Huisartsenpraktijk Javaplein",
            "profession": "poh_ggz",
            "domain": "medisch",
            "status": Registration.Status.ATTENDED,
            "checked_in_at": starts,
            "consent_at": starts - dt.timedelta(days=7),
        },
    )
    # On a second `make demo` the ratings demo may have rated this one too: keep it open.
    Rating.objects.filter(registration=registration).delete()
    rating_token, rating_hash = new_token()
    RatingInvitation.objects.update_or_create(
        registration=registration,
        defaults={
            "token_hash": rating_hash,
            "sent_at": now,
            "expires_at": now + link_lifetime(),
            "used_at": None,
        },
    )
    followup_token, followup_hash = new_token()
    FollowUp.objects.update_or_create(
        registration=registration,
        wave=1,
        defaults={
            "activity": tour,
            "token_hash": followup_hash,
            "sent_at": now,
            "expires_at": now + dt.timedelta(days=settings.IMPACT_LINK_DAYS),
            "respondent_domain": registration.domain,
            "respondent_profession": registration.profession,
        },
    )
    stdout.write(f"Impact: try the participant's side of '{tour.title}':")
    stdout.write(f"  rating link:    {rating_url(rating_token)}")
    stdout.write(f"  follow-up link: {services.followup_url(followup_token)}")
