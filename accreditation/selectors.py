"""Reads other apps use to show an activity's accreditation (feeds, detail pages)."""

from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accreditation.models import Accreditation


def public_accreditations() -> Prefetch:
    """Prefetch for activities: their accreditations that are not refused."""
    return Prefetch(
        "accreditations",
        queryset=Accreditation.objects.exclude(status=Accreditation.Status.REFUSED).order_by(
            "registry"
        ),
    )


def accreditation_lines(activity) -> list[str]:
    """ "BIG register: 2.0 points", one per registry, from a prefetched activity."""
    lines = []
    for accreditation in activity.accreditations.all():
        if accreditation.status == Accreditation.Status.REFUSED:
            continue
        line = str(accreditation.get_registry_display())
        if accreditation.points is not None:
            line += ": " + _("%(points)s points") % {
                "points": number_format(accreditation.points, 1)
            }
        if accreditation.status == Accreditation.Status.REQUESTED:
            line += " (" + _("applied for") + ")"
        lines.append(line)
    return lines
