"""Benchmark: the retention run over 20,000 registrations of 400 ended activities.

Runs on a throwaway SQLite database created here (DATABASE_URL is set before Django starts).
Baseline measured in the same run: "row by row", anonymising each registration with its own
UPDATE (the obvious implementation), against `apply_retention`'s set-based UPDATEs. Each
variant starts from the same freshly restored rows. Prints seconds and the ratio.
"""

import time

from _common import PRODUCTION_LIKE, start_django

start_django("bench-privacy-", **PRODUCTION_LIKE)

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

ACTIVITIES = 400
PER_ACTIVITY = 50


def build() -> None:
    from activities.models import Activity, Registration
    from core.models import Workspace

    workspace = Workspace.objects.create(name="Bench", slug="bench")
    ended = timezone.now() - dt.timedelta(days=500)
    with transaction.atomic():
        activities = Activity.objects.bulk_create(
            Activity(
                workspace=workspace,
                kind=Activity.Kind.SESSION,
                title=f"Kenniscafé {n}",
                starts_at=ended,
                ends_at=ended + dt.timedelta(hours=2),
                status=Activity.Status.PUBLISHED,
            )
            for n in range(ACTIVITIES)
        )
        Registration.objects.bulk_create(
            Registration(
                activity=activity,
                name=f"Deelnemer {a}-{n}",
                email=f"p{a}-{n}@example.org",
                organisation="Praktijk",
                profession="huisarts",
                domain="medisch",
                status="attended",
            )
            for a, activity in enumerate(activities)
            for n in range(PER_ACTIVITY)
        )


def reset() -> None:
    from activities.models import Registration

    Registration.objects.update(anonymised_at=None)


def row_by_row() -> None:
    from activities.models import Registration
    from privacy.services import placeholder_email

    now = timezone.now()
    with transaction.atomic():
        for pk in Registration.objects.filter(anonymised_at=None).values_list("pk", flat=True):
            Registration.objects.filter(pk=pk).update(
                name="Geanonimiseerd",
                email=placeholder_email(registration_id=pk),
                organisation="",
                phone="",
                notes="",
                anonymised_at=now,
            )


def set_based() -> None:
    from privacy.services import apply_retention

    apply_retention()


def timed(function) -> float:
    reset()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    build()
    baseline = timed(row_by_row)
    measured = timed(set_based)
    total = ACTIVITIES * PER_ACTIVITY
    print(f"retention over {total} registrations")
    print(f"  row by row (baseline): {baseline:.3f} s")
    print(f"  apply_retention:       {measured:.3f} s  ({baseline / measured:.1f}× faster)")
