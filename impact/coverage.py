"""Coverage: which organisations in a neighbourhood sent at least one professional in the
period, and which never came. Organisations are the normalised organisation names professionals
typed when registering, plus the neighbourhood's partners. Counts per organisation, never a
list of people — and no ranking of individuals.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from activities.models import Activity, Registration
from network.models import Partner

LEGAL_FORMS = re.compile(r"\b(stichting|vereniging|b ?v|n ?v|v ?o ?f)\b")
NON_WORD = re.compile(r"[^\w]+")


def normalise_organisation(name: str) -> str:
    """A key under which "Huisartsenpraktijk De Linde B.V." and "huisartsenpraktijk de
    linde" meet: accents, case, punctuation and legal forms removed."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = NON_WORD.sub(" ", text.casefold())
    text = LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


@dataclass
class Organisation:
    key: str
    name: str
    is_partner: bool
    attendees: int = 0
    latitude: float | None = None
    longitude: float | None = None
    # MTVP-style record: (activity title, date) the organisation took part in.
    record: list[tuple[str, dt.date]] = field(default_factory=list)

    @property
    def came(self) -> bool:
        return self.attendees > 0


@dataclass
class NeighbourhoodCoverage:
    pk: int
    name: str
    slug: str
    came: list[Organisation]
    never: list[Organisation]

    @property
    def total(self) -> int:
        return len(self.came) + len(self.never)

    @property
    def share(self) -> float | None:
        total = len(self.came) + len(self.never)
        return len(self.came) / total if total else None


def collect_coverage(*, scope, now: dt.datetime | None = None) -> list[NeighbourhoodCoverage]:
    """Per neighbourhood in scope: organisations that came in the period and those that never
    did (known from any registration in the neighbourhood, or a partner there). Three queries."""
    now = now or timezone.now()
    in_period = set(scope.activities(now=now).values_list("pk", flat=True))
    held = Activity.objects.filter(
        workspace_id__in=scope.workspace_ids,
        status=Activity.Status.PUBLISHED,
        ends_at__lte=now,
        neighbourhood__isnull=False,
    )
    if scope.neighbourhood_id:
        held = held.filter(neighbourhood_id=scope.neighbourhood_id)
    rows = Registration.objects.filter(
        activity__in=held,
        status__in=[Registration.Status.ATTENDED, Registration.Status.CONFIRMED],
        anonymised_at__isnull=True,
    ).values_list(
        "activity_id",
        "activity__title",
        "activity__starts_at",
        "activity__neighbourhood_id",
        "activity__neighbourhood__name",
        "activity__neighbourhood__slug",
        "organisation",
        "status",
    )
    partners = Partner.objects.filter(
        workspace_id__in=scope.workspace_ids, is_active=True, neighbourhoods__isnull=False
    )
    if scope.neighbourhood_id:
        partners = partners.filter(neighbourhoods=scope.neighbourhood_id)
    partner_rows = partners.values_list(
        "name",
        "neighbourhoods",
        "neighbourhoods__name",
        "neighbourhoods__slug",
        "latitude",
        "longitude",
    )
    names: dict[int, tuple[str, str]] = {}
    organisations: dict[int, dict[str, Organisation]] = defaultdict(dict)
    for name, nid, nname, nslug, latitude, longitude in partner_rows:
        names[nid] = (nname, nslug)
        key = normalise_organisation(name)
        organisations[nid].setdefault(
            key,
            Organisation(
                key=key, name=name, is_partner=True, latitude=latitude, longitude=longitude
            ),
        )
    seen: set[tuple[int, str, int]] = set()
    for activity_id, title, starts_at, nid, nname, nslug, organisation, _status in rows:
        key = normalise_organisation(organisation)
        if not key:
            continue
        names[nid] = (nname, nslug)
        entry = organisations[nid].setdefault(
            key, Organisation(key=key, name=organisation.strip(), is_partner=False)
        )
        if activity_id in in_period:
            entry.attendees += 1
            if (nid, key, activity_id) not in seen:
                seen.add((nid, key, activity_id))
                entry.record.append((title, timezone.localdate(starts_at)))
    result = []
    for nid, items in organisations.items():
        ordered = sorted(items.values(), key=lambda o: o.name.casefold())
        for item in ordered:
            item.record.sort(key=lambda r: r[1])
        result.append(
            NeighbourhoodCoverage(
                pk=nid,
                name=names[nid][0],
                slug=names[nid][1],
                came=[o for o in ordered if o.came],
                never=[o for o in ordered if not o.came],
            )
        )
    return sorted(result, key=lambda c: c.name.casefold())


CAME_COLOUR = "#1e8449"
NEVER_COLOUR = "#5d6673"


def coverage_map(*, coverage: NeighbourhoodCoverage, centre: tuple[float, float]):
    """The neighbourhood's partners on a map: green when they sent someone, grey when not.
    (Organisations known only from registrations have no address, so they are in the list.)"""
    from html import escape

    from django.conf import settings
    from django.templatetags.static import static

    from core.maps import MapPoint, MapSpec, render_map

    points = [
        MapPoint(
            org.latitude,
            org.longitude,
            org.name,
            popup_html=f"<strong>{escape(org.name)}</strong><br>{org.attendees}",
            colour=CAME_COLOUR if org.came else NEVER_COLOUR,
        )
        for org in [*coverage.came, *coverage.never]
        if org.latitude is not None
    ]
    return render_map(
        MapSpec(
            centre=centre,
            tile_url=settings.MAP_TILE_URL,
            attribution=settings.MAP_TILE_ATTRIBUTION,
            points=points,
        ),
        static_url=static("x")[:-1],
    )
