"""Benchmark: the day after a kenniscafé with 200 attendees, everything the coordinator clicks
for: the presence list (PDF and XLSX), the paste-ready lists, and closing attendance with 200
certificate PDFs (rendered and stored). Target: < 10 s on this machine.

Runs on a throwaway SQLite database created here (DATABASE_URL is set before Django starts);
mail goes to Django's in-memory backend. Baseline measured in the same run: rendering the 200
certificates one WeasyPrint document each (the obvious implementation), against
`documents.certificate_pdfs`, which lays them out in one document and writes each out.
"""

import os
import sys
import time

from _common import PRODUCTION_LIKE, start_django

start_django("bench-accreditation-", **PRODUCTION_LIKE)

import datetime as dt  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

ATTENDEES = 200
TARGET_SECONDS = 10.0


def build():
    from accreditation.models import Accreditation, RegistrationRegistryNumber
    from activities.models import Activity, Registration
    from core.models import Workspace

    workspace = Workspace.objects.create(name="ROS Bench", slug="bench")
    ends = timezone.now() - dt.timedelta(hours=20)
    activity = Activity.objects.create(
        workspace=workspace,
        kind=Activity.Kind.SESSION,
        title="Kenniscafé Geldzorgen herkennen in de spreekkamer",
        starts_at=ends - dt.timedelta(hours=2),
        ends_at=ends,
        status=Activity.Status.PUBLISHED,
        capacity=ATTENDEES,
    )
    for registry, number in (("big", "468812"), ("vv", "PE-301177")):
        Accreditation.objects.create(
            activity=activity,
            registry=registry,
            accreditation_id=number,
            points=2,
            status="granted",
        )
    with transaction.atomic():
        registrations = Registration.objects.bulk_create(
            Registration(
                activity=activity,
                name=f"Deelnemer {n} de Vries",
                email=f"p{n}@example.org",
                organisation="Praktijk",
                profession="wijkverpleegkundige",
                domain="medisch",
                status="attended",
                checked_in_at=activity.starts_at,
            )
            for n in range(ATTENDEES)
        )
        RegistrationRegistryNumber.objects.bulk_create(
            RegistrationRegistryNumber(registration=r, registry=registry, number=f"{n:0{width}d}")
            for n, r in enumerate(registrations)
            for registry, width in (("big", 11), ("vv", 6))
        )
    return activity


def one_by_one(certificates) -> None:
    from accreditation import documents

    for certificate in certificates:
        documents.certificate_pdfs(certificates=[certificate])


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


PARTS: dict[str, float] = {}


def day_after(activity):
    from accreditation import documents, services

    def part(name, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        PARTS[name] = time.perf_counter() - started
        return result

    data = part("presence rows", services.presence, activity=activity)
    part("presence PDF", documents.presence_pdf, data=data)
    part("presence XLSX", documents.presence_xlsx, data=data)
    for accreditation in data.accreditations:
        documents.paste_list(data=data, registry=accreditation.registry)
    _closure, issued = part(
        "close + render + mail", services.close_attendance, activity_id=activity.pk
    )
    return issued


if __name__ == "__main__":
    import logging

    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("migrate", verbosity=0)
    activity = build()
    # Warm up WeasyPrint's font configuration once, outside both measurements.
    from accreditation import documents
    from accreditation.models import Certificate

    documents.pdf_from_html("<p>warm-up</p>")
    # And the URLconf (~2 s to import every view module), which a running server has loaded.
    documents.verification_url("WARMUP")
    measured, issued = timed(day_after, activity)
    certificates = list(
        Certificate.objects.filter(pk__in=issued)
        .select_related("registration__activity__workspace")
        .defer("pdf")
    )
    stored = Certificate.objects.filter(pdf__isnull=False).count()
    baseline, _ = timed(one_by_one, certificates)
    batch, _ = timed(lambda: documents.certificate_pdfs(certificates=certificates))
    load = os.getloadavg()[0]
    print(f"presence list + {ATTENDEES} certificates for one activity (load average {load:.1f})")
    print(
        f"  day after (PDF + XLSX + lists + close with {stored} stored certificates, "
        f"{len(mail.outbox)} mails): {measured:.2f} s (target < {TARGET_SECONDS:.0f} s)"
    )
    for name, seconds in PARTS.items():
        print(f"    {name}: {seconds:.2f} s")
    print(f"  {ATTENDEES} certificates one document each (baseline): {baseline:.2f} s")
    print(
        f"  {ATTENDEES} certificates in one layout:                {batch:.2f} s  "
        f"({baseline / batch:.1f}× faster)"
    )
    if measured >= TARGET_SECONDS or stored != ATTENDEES:
        sys.exit(1)
