"""Benchmark: the impact report over 500 activities and 10,000 follow-up answers (goal < 0.5 s).

Runs on a throwaway SQLite database created here (DATABASE_URL is set before Django starts).
Baselines measured in the same run:
- "naive": the straightforward implementation — one query per activity, per partner, per
  neighbourhood, per domain and per wave for the referral shares and response rates — which is
  what the report would cost without the fixed-query reader (`impact.report`);
- "floor": the coordinator's plain /manage/ page, the cost of any signed-in page.
Prints seconds (median of several runs) and ratios.
"""

from _common import PRODUCTION_LIKE, print_results, seed_workspace, start_django, timed

start_django("bench-impact-", **PRODUCTION_LIKE, ALLOWED_HOSTS="testserver")

import datetime as dt  # noqa: E402
import random  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

ACTIVITIES = 500
ANSWERS = 10_000
STOPS_PER_TOUR = 4
REPEAT = 5


def build() -> None:
    from activities.models import Activity, Registration
    from core.vocab import PROFESSION_DOMAIN, Profession
    from impact.models import FollowUp, FollowUpAnswer, PartnerSignal
    from tours.models import Stop, Tour

    rng = random.Random(2026)
    workspace, areas, partners = seed_workspace()
    now = timezone.now()
    professions = list(Profession)
    with transaction.atomic():
        tours = []
        for n in range(ACTIVITIES):
            starts = now - dt.timedelta(days=30 + (n * 700) // ACTIVITIES, hours=n % 5)
            tours.append(
                Tour.objects.create(
                    workspace=workspace,
                    title=f"Wijktour {n}",
                    neighbourhood=areas[n % len(areas)],
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                    status=Activity.Status.PUBLISHED,
                )
            )
        stops = Stop.objects.bulk_create(
            Stop(tour_id=t.pk, partner=partners[(t.pk * 7 + i) % len(partners)], position=i + 1)
            for t in tours
            for i in range(STOPS_PER_TOUR)
        )
        partners_by_tour: dict[int, list[int]] = {}
        for stop in stops:
            partners_by_tour.setdefault(stop.tour_id, []).append(stop.partner_id)
        # 10,000 answers = 2,500 answered surveys × 4 partners; plus unanswered invitations.
        per_tour = ANSWERS // STOPS_PER_TOUR // ACTIVITIES
        registrations = Registration.objects.bulk_create(
            Registration(
                activity=t,
                name=f"Deelnemer {t.pk}-{i}",
                email=f"p{(t.pk * 31 + i) % 3000}@example.org",
                organisation=f"Praktijk {(t.pk + i) % 90}",
                profession=(profession := professions[(t.pk + i) % len(professions)]),
                domain=PROFESSION_DOMAIN[profession],
                status=Registration.Status.ATTENDED,
            )
            for t in tours
            for i in range(per_tour + 2)
        )
        followups = FollowUp.objects.bulk_create(
            FollowUp(
                registration=r,
                activity_id=r.activity_id,
                wave=1,
                token_hash=f"{r.pk:064x}",
                sent_at=now,
                answered_at=now if i % (per_tour + 2) < per_tour else None,
                respondent_domain=r.domain,
                respondent_profession=r.profession,
            )
            for i, r in enumerate(registrations)
        )
        FollowUpAnswer.objects.bulk_create(
            FollowUpAnswer(
                followup=f,
                partner_id=pid,
                referrals=rng.choices(["0", "1", "2-5", "6+"], weights=[50, 25, 20, 5])[0],
                knows_whom_to_call=rng.random() < 0.7,
                knowledge=rng.randint(2, 5),
            )
            for f in followups
            if f.answered_at
            for pid in partners_by_tour[f.activity_id]
        )
        PartnerSignal.objects.bulk_create(
            PartnerSignal(
                partner=p,
                month=dt.date(2025 + m // 12, m % 12 + 1, 1),
                via_professional=rng.randint(1, 9),
            )
            for p in partners
            for m in range(22)
        )
    print(
        f"data: {Activity.objects.count()} activities, {FollowUp.objects.count()} surveys, "
        f"{FollowUpAnswer.objects.count()} follow-up answers, "
        f"{PartnerSignal.objects.count()} partner counts"
    )


def naive_report() -> None:
    """The report computed the obvious way: one query per group."""
    from activities.models import Activity
    from impact.models import FollowUp, FollowUpAnswer
    from network.models import Neighbourhood, Partner

    referred = Q(referrals__in=["1", "2-5", "6+"])

    def share(answers) -> None:
        answers.aggregate(
            people=Count("followup__registration", distinct=True),
            hits=Count("followup__registration", filter=referred, distinct=True),
        )

    for activity in Activity.objects.filter(status="published"):
        share(FollowUpAnswer.objects.filter(followup__activity=activity))
        FollowUp.objects.filter(activity=activity).aggregate(
            invited=Count("pk"), answered=Count("answered_at")
        )
    for partner in Partner.objects.all():
        share(FollowUpAnswer.objects.filter(partner=partner))
    for area in Neighbourhood.objects.all():
        share(FollowUpAnswer.objects.filter(followup__activity__neighbourhood=area))
    for domain in FollowUp.objects.values_list("respondent_domain", flat=True).distinct():
        share(FollowUpAnswer.objects.filter(followup__respondent_domain=domain))
    for wave in (1, 2):
        share(FollowUpAnswer.objects.filter(followup__wave=wave))
        list(
            FollowUpAnswer.objects.filter(followup__wave=wave)
            .values("referrals")
            .annotate(n=Count("pk"))
        )


def main() -> None:
    from core.models import Workspace
    from impact.report import ImpactFilter, collect_report

    call_command("migrate", verbosity=0, interactive=False)
    build()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    scope = ImpactFilter(workspace_ids=(Workspace.objects.get(slug="bench").pk,))

    def page() -> None:
        response = client.get("/manage/impact/")
        assert response.status_code == 200, response.status_code

    def api() -> None:
        assert client.get("/api/impact/").status_code == 200

    def floor() -> None:
        assert client.get("/manage/").status_code == 200

    results = {
        "floor: /manage/ page": timed(floor, REPEAT),
        "baseline: naive per-group queries": timed(naive_report, repeat=3),
        "report figures (impact.report)": timed(lambda: collect_report(scope=scope), REPEAT),
        "report page /manage/impact/": timed(page, REPEAT),
        "API /api/impact/": timed(api, REPEAT),
    }
    print_results(
        results,
        naive="baseline: naive per-group queries",
        floor="floor: /manage/ page",
        goal="report figures (impact.report)",
    )


if __name__ == "__main__":
    main()
