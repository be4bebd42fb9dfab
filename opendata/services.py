"""Open data services: publish the sociale kaart as HSDS 3.0 and read it back.

Pages, the API and the commands all go through these functions. Loading is done here with a
fixed number of queries (whatever the number of partners); building the JSON is pure
(opendata.hsds).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.models import Workspace
from core.vocab import Domain
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow
from opendata import hsds, referral
from opendata.models import HsdsIdentity

# ---------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------


def load_ids(*, workspaces: Iterable[Workspace]) -> dict[int, hsds.Ids]:
    """The Ids of each workspace, with the UUIDs imports stored, in one query."""
    workspaces = list(workspaces)
    stored: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
    rows = HsdsIdentity.objects.filter(workspace__in=[w.pk for w in workspaces]).values_list(
        "workspace_id", "kind", "key", "uuid"
    )
    for workspace_id, kind, key, value in rows:
        stored[workspace_id][(kind, key)] = str(value)
    return {w.pk: hsds.Ids(workspace_slug=w.slug, stored=stored[w.pk]) for w in workspaces}


# ---------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------


def published_partners() -> QuerySet[Partner]:
    """Active partners in publishing order; call attach_relations() on the rows you build.
    (No select_related of the workspace: on SQLite the join makes the sorted page three times
    slower, and load_ids() fetches the few workspaces of a page in one small query.)"""
    return Partner.objects.filter(is_active=True).order_by("name", "pk")


class _ThemeRow(NamedTuple):
    slug: str
    name: str


class _AreaRow(NamedTuple):
    name: str
    cbs_code: str
    municipality: str


class _WindowRow(NamedTuple):
    weekday: int
    opens_at: dt.time
    closes_at: dt.time


class _ContactRow(NamedTuple):
    pk: int
    name: str
    role: str
    phone: str
    email: str


def attach_relations(partners: list[Partner], *, contacts: bool = True) -> list[Partner]:
    """Load what the builders read for these partners in four flat queries (plain rows, no
    model instances: at a page of 50 that is most of the time saved) and attach them as
    hsds_themes, hsds_areas, hsds_windows and public_contacts, each in publishing order."""
    ids = [p.pk for p in partners]
    themes: dict[int, list] = defaultdict(list)
    areas: dict[int, list] = defaultdict(list)
    windows: dict[int, list] = defaultdict(list)
    public: dict[int, list] = defaultdict(list)
    theme_rows = Partner.themes.through.objects.filter(partner_id__in=ids).values_list(
        "partner_id", "theme__slug", "theme__name"
    )
    for partner_id, slug, name in theme_rows:
        themes[partner_id].append(_ThemeRow(slug, name))
    area_rows = Partner.neighbourhoods.through.objects.filter(partner_id__in=ids).values_list(
        "partner_id",
        "neighbourhood__name",
        "neighbourhood__cbs_code",
        "neighbourhood__municipality",
    )
    for partner_id, name, code, municipality in area_rows:
        areas[partner_id].append(_AreaRow(name, code, municipality))
    window_rows = (
        VisitingWindow.objects.filter(partner_id__in=ids)
        .order_by("weekday", "opens_at", "closes_at")
        .values_list("partner_id", "weekday", "opens_at", "closes_at")
    )
    for partner_id, *window in window_rows:
        windows[partner_id].append(_WindowRow(*window))
    contact_rows = (
        Contact.objects.filter(partner_id__in=ids, is_public=True)
        .order_by("name", "pk")
        .values_list("partner_id", "pk", "name", "role", "phone", "email")
    )
    for partner_id, *contact in contact_rows if contacts else []:
        public[partner_id].append(_ContactRow(*contact))
    for partner in partners:
        partner.hsds_themes = sorted(themes[partner.pk], key=lambda t: t.slug)
        partner.hsds_areas = sorted(areas[partner.pk], key=lambda a: (a.name, a.cbs_code))
        partner.hsds_windows = windows[partner.pk]
        partner.public_contacts = public[partner.pk]
    return partners


def _labels() -> dict[str, str]:
    return {
        "themes": _("Wijktour themes"),
        "themes_description": _(
            "Themes partners are tagged with, each mapped onto the dimensions of Positive Health."
        ),
        "domains": _("Wijktour domains"),
        "domains_description": _(
            "The domain a partner works in: medical, social, welfare, housing and so on."
        ),
        "domain": _("Domain"),
        "schedule": _("Visiting hours, local time Europe/Amsterdam."),
    }


@lru_cache(maxsize=8)
def _domain_labels(language: str | None) -> dict[str, str]:
    # get_domain_display() rebuilds and hashes the lazy choices on every call.
    return {value: str(label) for value, label in Domain.choices}


def build_taxonomy_documents(*, ids: hsds.Ids) -> tuple[list[dict], list[dict]]:
    labels = _labels()
    themes = Theme.objects.order_by("slug")
    domains = [(value, str(label)) for value, label in Domain.choices]
    return (
        hsds.build_taxonomies(ids=ids, labels=labels),
        hsds.build_taxonomy_terms(ids=ids, themes=themes, domains=domains, labels=labels),
    )


def build_service_record(*, partner: Partner, ids: hsds.Ids, nested: bool = False) -> dict:
    """One partner as an HSDS service; `nested` adds organization and locations (the
    fully nested form of /services/{id})."""
    service = hsds.build_service(
        partner=partner,
        ids=ids,
        themes=partner.hsds_themes,
        neighbourhoods=partner.hsds_areas,
        windows=partner.hsds_windows,
        schedule_description=_("Visiting hours, local time Europe/Amsterdam."),
        domain_label=_domain_labels(translation.get_language())[partner.domain],
    )
    if nested:
        service["organization"] = build_organization_record(partner=partner, ids=ids)
        at_location = hsds.build_service_at_location(partner=partner, ids=ids)
        at_location["location"] = hsds.build_location(partner=partner, ids=ids)
        service["service_at_locations"] = [at_location]
    return service


def build_organization_record(*, partner: Partner, ids: hsds.Ids) -> dict:
    return hsds.build_organization(partner=partner, ids=ids, contacts=partner.public_contacts)


def export_workspace(*, workspace: Workspace) -> dict:
    """The workspace's public sociale kaart as one HSDS 3.0 document, in Dutch."""
    with translation.override("nl"):
        ids = load_ids(workspaces=[workspace])[workspace.pk]
        partners = attach_relations(list(published_partners().filter(workspace=workspace)))
        taxonomies, terms = build_taxonomy_documents(ids=ids)
        return {
            "version": hsds.HSDS_VERSION,
            "profile": hsds.PROFILE_URI,
            "organizations": [build_organization_record(partner=p, ids=ids) for p in partners],
            "services": [build_service_record(partner=p, ids=ids) for p in partners],
            "locations": [hsds.build_location(partner=p, ids=ids) for p in partners],
            "service_at_locations": [
                hsds.build_service_at_location(partner=p, ids=ids) for p in partners
            ],
            "taxonomies": taxonomies,
            "taxonomy_terms": terms,
        }


# ---------------------------------------------------------------------------------------
# Queries behind /api/hsds/
# ---------------------------------------------------------------------------------------

PARTNER_KINDS = ("organization", "service", "location", "service_at_location")


class HsdsQueryError(Exception):
    """A query parameter the API cannot use; `errors` maps parameter names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _parse_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError):
        return None


def resolve_partner_id(*, hsds_id: str, kinds: Iterable[str] = PARTNER_KINDS) -> int | None:
    """The pk of the active partner one of whose records has this HSDS id (None if none).

    Stored ids are one indexed query; derived ids are recomputed for the active partners,
    which is cheap (uuid5 over a few thousand keys) and needs no table of its own.
    """
    wanted = _parse_uuid(hsds_id)
    if wanted is None:
        return None
    kinds = tuple(kinds)
    stored = (
        HsdsIdentity.objects.filter(uuid=wanted, kind__in=kinds).values_list("key", flat=True)
    ).first()
    if stored is not None:
        return int(stored) if Partner.objects.filter(pk=stored, is_active=True).exists() else None
    rows = Partner.objects.filter(is_active=True).values_list("pk", "workspace__slug")
    namespaces: dict[str, uuid.UUID] = {}
    for pk, slug in rows:
        namespace = namespaces.setdefault(slug, hsds.workspace_namespace(slug))
        for kind in kinds:
            if str(uuid.uuid5(namespace, f"{kind}:{pk}")) == wanted:
                return pk
    return None


def resolve_term(*, term_id: str) -> tuple[str, str] | None:
    """('theme', slug) or ('domain', code) for a taxonomy term id."""
    wanted = _parse_uuid(term_id)
    if wanted is None:
        return None
    stored = HsdsIdentity.objects.filter(uuid=wanted, kind__in=["theme", "domain"]).first()
    if stored is not None:
        return stored.kind, stored.key
    ids = hsds.Ids(workspace_slug="")
    for slug in Theme.objects.values_list("slug", flat=True):
        if ids.get("theme", slug) == wanted:
            return "theme", slug
    for code in Domain.values:
        if ids.get("domain", code) == wanted:
            return "domain", code
    return None


def filter_published(
    partners: QuerySet[Partner],
    *,
    search: str = "",
    workspace: str = "",
    neighbourhood: str = "",
    theme: str = "",
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    organization_id: str = "",
    modified_after: str = "",
) -> QuerySet[Partner]:
    """The filters of the HSDS list endpoints. Unknown ids match nothing; malformed values
    raise HsdsQueryError with a message per parameter."""
    errors: dict[str, list[str]] = {}
    values = {
        "search": search, "workspace": workspace, "neighbourhood": neighbourhood,
        "theme": theme, "taxonomy_term_id": taxonomy_term_id, "taxonomy_id": taxonomy_id,
        "organization_id": organization_id, "modified_after": modified_after,
    }  # fmt: skip
    for name, value in values.items():
        # PostgreSQL refuses NUL in a string literal; say so instead of failing.
        if "\x00" in value:
            errors[name] = [_("Null characters are not allowed.")]
    if errors:
        raise HsdsQueryError(errors)
    if workspace:
        partners = partners.filter(workspace__slug=workspace)
    if neighbourhood:
        partners = partners.filter(
            Q(neighbourhoods__slug=neighbourhood) | Q(neighbourhoods__cbs_code=neighbourhood)
        )
    if theme:
        partners = partners.filter(themes__slug=theme)
    if taxonomy_term_id:
        term = resolve_term(term_id=taxonomy_term_id)
        if term is None:
            partners = partners.none()
        elif term[0] == "theme":
            partners = partners.filter(themes__slug=term[1])
        else:
            partners = partners.filter(domain=term[1])
    if taxonomy_id:
        ids = hsds.Ids(workspace_slug="")
        if taxonomy_id == ids.get("taxonomy", hsds.THEME_TAXONOMY):
            partners = partners.filter(themes__isnull=False)
        elif taxonomy_id != ids.get("taxonomy", hsds.DOMAIN_TAXONOMY):
            partners = partners.none()
    if organization_id:
        pk = resolve_partner_id(hsds_id=organization_id, kinds=["organization"])
        partners = partners.filter(pk=pk) if pk else partners.none()
    if modified_after:
        moment = _parse_moment(modified_after)
        if moment is None:
            errors["modified_after"] = [
                _("Use an ISO 8601 date or date-time, e.g. 2026-01-31T00:00:00Z.")
            ]
        else:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            partners = partners.filter(updated_at__gte=moment)
    if search:
        partners = partners.filter(
            Q(name__icontains=search)
            | Q(short_description__icontains=search)
            | Q(description__icontains=search)
            | Q(target_groups__icontains=search)
            | Q(referral_info__icontains=search)
        )
    if errors:
        raise HsdsQueryError(errors)
    return partners.distinct() if (neighbourhood or theme or taxonomy_id) else partners


def _parse_moment(value: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(value)
        if moment is None and len(value) == 10:
            day = parse_date(value)
            moment = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:
        return None
    return moment


def parse_paging(params: dict, *, default: int = 50, maximum: int = 200) -> tuple[int, int]:
    """page and per_page from the query, 1-based; malformed ones raise HsdsQueryError."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, fallback, ceiling in (("page", 1, None), ("per_page", default, maximum)):
        raw = params.get(name, "")
        if raw in ("", None):
            values[name] = fallback
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[name] = [_("Must be a whole number of 1 or more.")]
            continue
        if value < 1:
            errors[name] = [_("Must be a whole number of 1 or more.")]
        elif ceiling and value > ceiling:
            errors[name] = [_("At most %(max)s per page.") % {"max": ceiling}]
        else:
            values[name] = value
    if errors:
        raise HsdsQueryError(errors)
    return values["page"], values["per_page"]


def page_of_partners(
    partners: QuerySet[Partner], *, page_number: int, per_page: int, contacts: bool = True
) -> tuple[list[Partner], int, dict[int, hsds.Ids]]:
    """One page of partners (prefetched), the total and the Ids of their workspaces."""
    total = partners.count()
    start = (page_number - 1) * per_page
    rows = list(partners[start : start + per_page]) if start < total else []
    attach_relations(rows, contacts=contacts)
    workspaces = Workspace.objects.filter(pk__in={p.workspace_id for p in rows})
    return rows, total, load_ids(workspaces=workspaces)


# ---------------------------------------------------------------------------------------
# Referral search (for professionals)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralResult:
    partner: Partner
    distance_km: float | None
    open_now: bool


def resolve_place(*, text: str, workspace: Workspace | None = None) -> referral.Place | None:
    """A postcode (PC4 table, else the centroid of partners in that PC4 area) or a
    neighbourhood (name or slug) as a point; None when unknown."""
    text = (text or "").strip()
    if not text:
        return None
    pc4 = referral.postcode4(text)
    if pc4:
        if pc4 in referral.POSTCODE4_CENTROIDS:
            lat, lon = referral.POSTCODE4_CENTROIDS[pc4]
            return referral.Place(label=pc4, latitude=lat, longitude=lon)
        points = Partner.objects.filter(postcode__startswith=pc4).values_list(
            "latitude", "longitude"
        )
        middle = referral.centroid(points)
        if middle is None:
            return None
        return referral.Place(label=pc4, latitude=middle[0], longitude=middle[1])
    neighbourhoods = Neighbourhood.objects.filter(Q(name__iexact=text) | Q(slug=text.lower()))
    if workspace is not None:
        neighbourhoods = neighbourhoods.filter(workspace=workspace)
    found = neighbourhoods.first()
    if found is None:
        return None
    return referral.Place(label=found.name, latitude=found.latitude, longitude=found.longitude)


def search_referrals(
    *,
    workspace: Workspace | None = None,
    theme: str = "",
    place: referral.Place | None = None,
    open_at: dt.datetime | None = None,
    open_on: int | None = None,
    limit: int = 50,
) -> list[ReferralResult]:
    """Active partners for a need (theme), nearest to the place first, optionally only those
    open at a local moment or on a weekday. Three queries whatever the number of partners."""
    partners = Partner.objects.filter(is_active=True).prefetch_related("visiting_windows", "themes")
    if workspace is not None:
        partners = partners.filter(workspace=workspace)
    if theme:
        partners = partners.filter(themes__slug=theme)
    now = timezone.localtime()
    results = []
    for partner in partners.order_by("name", "pk"):
        windows = partner.visiting_windows.all()
        if open_at is not None and not referral.is_open(windows, open_at):
            continue
        if open_on is not None and not referral.open_on_day(windows, open_on):
            continue
        distance = (
            referral.distance_km(
                (place.latitude, place.longitude), (partner.latitude, partner.longitude)
            )
            if place
            else None
        )
        results.append(
            ReferralResult(
                partner=partner, distance_km=distance, open_now=referral.is_open(windows, now)
            )
        )
    if place is not None:
        results.sort(key=lambda r: r.distance_km)
    return results[:limit]
