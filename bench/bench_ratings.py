"""Benchmark: the insights dashboard over 10,000 ratings across 500 activities (goal < 0.5 s).

Runs on a throwaway SQLite database created here (DATABASE_URL is set before Django starts).
Baselines measured in the same run:
- "naive": the straightforward implementation — one aggregate query per activity, per
  partner and per month — which is what the dashboard would cost without the fixed-query
  selector;
- "floor": the coordinator's plain /manage/ page, the cost of any signed-in page.
Prints seconds (median of several runs) and ratios.
"""

import statistics

from _common import PRODUCTION_LIKE, print_results, seed_workspace, start_django, timed

start_django("bench-ratings-", **PRODUCTION_LIKE, ALLOWED_HOSTS="testserver")

import datetime as dt  # noqa: E402
import random  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Avg, Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

ACTIVITIES = 500
RATINGS = 10_000
STOPS_PER_TOUR = 4
REPEAT = 7


def build() -> None:
    from activities.models import Activity, Registration
    from core.vocab import PROFESSION_DOMAIN, Profession
    from ratings.models import Rating, RatingInvitation, StopRating
    from sessions.models import KnowledgeSession
    from tours.models import Stop, Tour

    rng = random.Random(2026)
    workspace, areas, partners = seed_workspace()
    now = timezone.now()
    professions = list(Profession)
    activities = []
    with transaction.atomic():
        for n in range(ACTIVITIES):
            starts = now - dt.timedelta(days=3 + (n * 730) // ACTIVITIES, hours=n % 5)
            fields = {
                "workspace": workspace,
                "title": f"Activiteit {n}",
                "neighbourhood": areas[n % len(areas)],
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=3),
                "status": Activity.Status.PUBLISHED,
            }
            model = Tour if n % 5 else KnowledgeSession
            activities.append(model.objects.create(**fields))
        stops = Stop.objects.bulk_create(
            Stop(tour_id=a.pk, partner=partners[(a.pk * 7 + i) % len(partners)], position=i + 1)
            for a in activities
            if a.kind == Activity.Kind.TOUR
            for i in range(STOPS_PER_TOUR)
        )
        stops_by_tour: dict[int, list] = {}
        for stop in stops:
            stops_by_tour.setdefault(stop.tour_id, []).append(stop)
        per_activity = RATINGS // ACTIVITIES
        registrations = Registration.objects.bulk_create(
            Registration(
                activity=a,
                name=f"Deelnemer {a.pk}-{i}",
                email=f"p{(a.pk * 31 + i) % 3000}@example.org",
                organisation="Praktijk",
                profession=(profession := professions[(a.pk + i) % len(professions)]),
                domain=PROFESSION_DOMAIN[profession],
                status=Registration.Status.ATTENDED,
            )
            for a in activities
            for i in range(per_activity + 2)
        )
        RatingInvitation.objects.bulk_create(
            RatingInvitation(registration=r, token_hash=f"{r.pk:064x}", sent_at=now, expires_at=now)
            for r in registrations
        )
        rated = [r for i, r in enumerate(registrations) if i % (per_activity + 2) < per_activity]
        ratings = Rating.objects.bulk_create(
            Rating(
                activity_id=r.activity_id,
                registration=r,
                source=Rating.Source.LINK,
                grade=rng.choices([6, 7, 8, 9, 10], weights=[4, 12, 36, 35, 13])[0],
                rater_domain=r.domain,
            )
            for r in rated
        )
        StopRating.objects.bulk_create(
            StopRating(
                rating=rating,
                stop=stop,
                grade=rng.randint(6, 10),
                would_refer=rng.choice(["yes", "yes", "maybe", "no"]),
            )
            for rating in ratings
            for stop in stops_by_tour.get(rating.activity_id, [])
        )
    print(
        f"data: {Activity.objects.count()} activities, {Rating.objects.count()} ratings, "
        f"{StopRating.objects.count()} stop ratings, {Registration.objects.count()} registrations"
    )


def naive_dashboard() -> None:
    """What the dashboard costs computed the obvious way: one query per group."""
    from activities.models import Activity
    from ratings.models import Rating, StopRating

    for activity in Activity.objects.filter(status="published"):
        activity.ratings.aggregate(Avg("grade"), Count("pk"))
        activity.registrations.values("status").annotate(n=Count("pk"))
    for partner_id in StopRating.objects.values_list("stop__partner_id", flat=True).distinct():
        StopRating.objects.filter(stop__partner_id=partner_id).aggregate(Avg("grade"))
    grades = list(Rating.objects.values_list("grade", flat=True))
    statistics.median(grades)


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    build()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))

    def dashboard() -> None:
        response = client.get("/manage/insights/")
        assert response.status_code == 200, response.status_code

    def api() -> None:
        assert client.get("/api/insights/").status_code == 200

    def floor() -> None:
        assert client.get("/manage/").status_code == 200

    results = {
        "floor: /manage/ page": timed(floor, REPEAT),
        "baseline: naive per-group queries": timed(naive_dashboard, repeat=3),
        "dashboard /manage/insights/": timed(dashboard, REPEAT),
        "dashboard, filtered to one neighbourhood": timed(
            lambda: client.get("/manage/insights/", {"neighbourhood": 1}), REPEAT
        ),
        "API /api/insights/": timed(api, REPEAT),
    }
    print_results(
        results,
        naive="baseline: naive per-group queries",
        floor="floor: /manage/ page",
        goal="dashboard /manage/insights/",
    )


if __name__ == "__main__":
    main()
