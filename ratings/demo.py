"""Demo ratings: last year's tours and kenniscafés rated about 8.4 on average.

Builds on the tours, sessions and registrations the other demo modules created (looked up,
never created here); without them it says so and does nothing. Deterministic — every answer
is drawn from a random generator seeded with the activity and the registration — and
idempotent: ratings are updated in place, one per registration.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from activities.models import Activity, Registration
from ratings.models import Rating, RatingInvitation, StopRating
from ratings.services import link_lifetime, new_token
from tours.models import Stop

WORKSPACE = "ros-amsterdam"
# Shares of grades 6..10 (percent) for a so-so, a typical and a great activity (means 8.14,
# 8.41 and 8.69): mostly 8s and 9s, a few 6s. Cycling through them by activity gives each its
# own character while last year's eleven tours average about 8.4.
GRADE_PROFILES = [
    {6: 4, 7: 12, 8: 36, 9: 35, 10: 13},
    {6: 6, 7: 18, 8: 40, 9: 28, 10: 8},
    {6: 2, 7: 7, 8: 30, 9: 42, 10: 19},
]
REFER_WEIGHTS = {"yes": 62, "maybe": 29, "no": 9}
RESPONSE_SHARE = 0.78
MOST_VALUABLE = [
    "De korte lijntjes: ik weet nu wie ik kan bellen.",
    "Zien hoe het er binnen uitziet, zodat ik patiënten beter kan voorbereiden.",
    "Kennismaken met collega's uit het sociaal domein.",
    "Het gesprek met de vrijwilligers.",
    "Praktische informatie over hoe je doorverwijst.",
    "De combinatie van fietsen en korte bezoeken.",
    "Horen welke vragen bewoners meebrengen.",
]
COMMENTS = [
    ("Heel waardevol, volgend jaar graag weer een tour in deze wijk.", True),
    ("Iets meer tijd per bezoek zou fijn zijn.", True),
    ("De route was goed te fietsen, mooi georganiseerd.", True),
    ("Graag een overzicht met contactgegevens na afloop.", True),
    ("Het was een lange middag, misschien één halte minder.", False),
    ("Ik had graag meer over schuldhulp gehoord.", True),
    ("Fijne sfeer en enthousiaste gastvrouwen en -heren.", True),
]


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def grade_quota(count: int, shares: dict[int, int]) -> list[int]:
    """`count` grades in the given shares (largest-remainder rounding), so a small group's
    average still comes out where the profile puts it."""
    exact = {grade: count * share / 100 for grade, share in shares.items()}
    quota = {grade: int(value) for grade, value in exact.items()}
    by_remainder = sorted(exact, key=lambda grade: exact[grade] - quota[grade], reverse=True)
    for grade in by_remainder[: count - sum(quota.values())]:
        quota[grade] += 1
    return [grade for grade, number in quota.items() for _ in range(number)]


def seed(*, stdout) -> None:
    now = timezone.now()
    # Last year's programme; the demo's first tours lie a good year back.
    since = now - dt.timedelta(days=730)
    activities = list(
        Activity.objects.filter(
            workspace__slug=WORKSPACE,
            status=Activity.Status.PUBLISHED,
            ends_at__lt=now,
            starts_at__gte=since,
        ).order_by("starts_at", "pk")
    )
    if not activities:
        stdout.write("Ratings: no past activities in the demo data yet; skipped.")
        return
    stops_by_tour: dict[int, list[Stop]] = {}
    for stop in Stop.objects.filter(tour_id__in=[a.pk for a in activities]).order_by("position"):
        stops_by_tour.setdefault(stop.tour_id, []).append(stop)
    registrations = Registration.objects.filter(
        activity__in=activities,
        status__in=[Registration.Status.ATTENDED, Registration.Status.CONFIRMED],
    ).order_by("activity_id", "pk")
    responders: dict[int, list[Registration]] = {}
    for registration in registrations:
        activity = next(a for a in activities if a.pk == registration.activity_id)
        sent_at = activity.ends_at + dt.timedelta(hours=2)
        RatingInvitation.objects.get_or_create(
            registration=registration,
            defaults={
                # The demo token is thrown away: these links are never usable.
                "token_hash": new_token()[1],
                "sent_at": sent_at,
                "expires_at": sent_at + link_lifetime(),
            },
        )
        rng = random.Random(f"wijktour-demo|{activity.title}|{registration.email}")
        if rng.random() <= RESPONSE_SHARE:
            responders.setdefault(activity.pk, []).append(registration)
    rated = 0
    for index, activity in enumerate(activities):
        people = responders.get(activity.pk, [])
        rng = random.Random(f"wijktour-demo|{activity.title}")
        grades = grade_quota(len(people), GRADE_PROFILES[index % len(GRADE_PROFILES)])
        rng.shuffle(grades)
        for registration, grade in zip(people, grades, strict=True):
            _rate(
                registration=registration,
                activity=activity,
                grade=grade,
                rng=rng,
                stops=stops_by_tour.get(activity.pk, []),
            )
            rated += 1
    stdout.write(f"Ratings: {rated} ratings for {len(activities)} past activities.")


def _rate(
    *,
    registration: Registration,
    activity: Activity,
    grade: int,
    rng: random.Random,
    stops: list[Stop],
) -> None:
    sent_at = activity.ends_at + dt.timedelta(hours=2)
    RatingInvitation.objects.filter(registration=registration, used_at=None).update(
        used_at=sent_at + dt.timedelta(hours=rng.randint(1, 72))
    )
    comment, consent = rng.choice(COMMENTS) if rng.random() < 0.45 else ("", False)
    rating, _ = Rating.objects.update_or_create(
        registration=registration,
        defaults={
            "activity": activity,
            "source": Rating.Source.LINK,
            "grade": grade,
            "most_valuable": rng.choice(MOST_VALUABLE) if rng.random() < 0.7 else "",
            "comment": comment,
            "consent_to_share": consent,
            "rater_domain": registration.domain,
        },
    )
    for stop in stops:
        stop_grade = min(10, max(5, grade + rng.choice([-1, 0, 0, 0, 1])))
        StopRating.objects.update_or_create(
            rating=rating,
            stop=stop,
            defaults={"grade": stop_grade, "would_refer": _pick(rng, REFER_WEIGHTS)},
        )
