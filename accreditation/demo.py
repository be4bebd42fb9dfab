"""Demo accreditations for ros-amsterdam: kenniscafés and tours accredited per registry, one
past kenniscafé with registry numbers, closed attendance and certificates, and deadlines that
show on the dashboard. Idempotent: matched on activity and registry."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accreditation import services
from accreditation.models import (
    Accreditation,
    AttendanceClosure,
    Break,
    RegistrationRegistryNumber,
)
from accreditation.registries import Registry, fits
from activities.models import Activity, Registration

G, R = Accreditation.Status.GRANTED, Accreditation.Status.REQUESTED
SESSIONS = {
    # title: [(registry, points, status, accreditation ID)]
    "Kenniscafé Geldzorgen herkennen in de spreekkamer": [
        (Registry.BIG, "2", G, "468812"),
        (Registry.REGISTERPLEIN, "2", R, ""),
    ],
    "Kenniscafé Mentale gezondheid jongeren": [
        (Registry.LV_POH_GGZ, "1.5", R, ""),
        (Registry.SKJ, "1.5", R, ""),
    ],
    "Kenniscafé Dementievriendelijke wijk": [
        (Registry.BIG, "2", G, "455120"),
        (Registry.VV, "2", G, "PE-301177"),
    ],
}
SAMPLE_NUMBERS = {
    Registry.BIG: "0{:010d}",
    Registry.VV: "{:06d}",
    Registry.REGISTERPLEIN: "4610{:05d}",
    Registry.NVVPO: "{:04d}",
    Registry.LV_POH_GGZ: "{:05d}",
    Registry.SKJ: "{:09d}",
}


def _accredit(activity, registry, points, status, accreditation_id, **extra) -> int:
    today = timezone.localdate()
    _accreditation, created = Accreditation.objects.get_or_create(
        activity=activity,
        registry=registry,
        defaults={
            "points": Decimal(points),
            "status": status,
            "accreditation_id": accreditation_id,
            "applied_on": min(
                today, timezone.localtime(activity.starts_at).date() - dt.timedelta(days=50)
            ),
            **extra,
        },
    )
    return int(created)


def seed(*, stdout) -> None:
    activities = Activity.objects.filter(workspace__slug="ros-amsterdam")
    if not activities.exists():
        stdout.write("Accreditation: workspace ros-amsterdam absent, skipped.")
        return
    created = 0
    for title, rows in SESSIONS.items():
        activity = activities.filter(title=title).first()
        if activity is None:
            continue
        for registry, points, status, accreditation_id in rows:
            created += _accredit(activity, registry, points, status, accreditation_id)
    now = timezone.now()
    tours = activities.filter(kind=Activity.Kind.TOUR, status=Activity.Status.PUBLISHED)
    upcoming = tours.filter(starts_at__gt=now).order_by("starts_at").first()
    if upcoming is not None:
        # Not applied yet, due in nine days: the dashboard shows it.
        created += _accredit(
            upcoming,
            Registry.BIG,
            "3",
            R,
            "",
            applied_on=None,
            application_due_on=timezone.localdate() + dt.timedelta(days=9),
        )
    past = tours.filter(ends_at__lt=now).order_by("-ends_at").first()
    if past is not None:
        created += _accredit(
            past,
            Registry.REGISTERPLEIN,
            "3",
            G,
            "PE-298440",
            presence_due_on=timezone.localdate() + dt.timedelta(days=9),
        )
        _give_numbers(past)
    closed = activities.filter(title="Kenniscafé Dementievriendelijke wijk").first()
    if closed is not None:
        _give_numbers(closed)
        if not Break.objects.filter(activity=closed).exists():
            Break.objects.create(
                activity=closed,
                starts_at=closed.starts_at + dt.timedelta(minutes=55),
                ends_at=closed.starts_at + dt.timedelta(minutes=65),
            )
        if not AttendanceClosure.objects.filter(activity=closed).exists():
            # Certificates without mail: demo registrants have no mailbox.
            AttendanceClosure.objects.create(activity=closed, closed_at=closed.ends_at)
            services.issue_certificates(activity=closed, now=closed.ends_at)
            closed.accreditations.update(presence_submitted_on=timezone.localdate())
    stdout.write(f"Accreditation: {created} accreditations added.")


def _give_numbers(activity) -> None:
    registries = list(activity.accreditations.values_list("registry", flat=True))
    registrations = Registration.objects.filter(activity=activity).exclude(
        status=Registration.Status.CANCELLED
    )
    for registration in registrations.order_by("pk"):
        for registry in registries:
            if registration.profession == "anders" or not fits(
                registry=registry, profession=registration.profession
            ):
                continue
            RegistrationRegistryNumber.objects.get_or_create(
                registration=registration,
                registry=registry,
                defaults={"number": SAMPLE_NUMBERS[registry].format(registration.pk % 99999)},
            )
