"""Open data services: publish the sociale kaart as HSDS 3.0 and read it back.

Pages, the API and the commands all go through these functions. Loading is done here with a
fixed number of queries (whatever the number of partners); building the JSON is pure
(opendata.hsds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Workspace
from core.vocab import Domain
from network.models import Contact, Partner, Theme
from opendata import hsds
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
    """Active partners with everything the HSDS builders read, prefetched."""
    return (
        Partner.objects.filter(is_active=True)
        .select_related("workspace")
        .prefetch_related(
            "themes",
            "neighbourhoods",
            "visiting_windows",
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_public=True).order_by("name", "pk"),
                to_attr="public_contacts",
            ),
        )
        .order_by("name", "pk")
    )


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
        themes=sorted(partner.themes.all(), key=lambda t: t.slug),
        neighbourhoods=sorted(partner.neighbourhoods.all(), key=lambda n: n.pk),
        windows=partner.visiting_windows.all(),
        schedule_description=_labels()["schedule"],
    )
    if nested:
        service["organization"] = build_organization_record(partner=partner, ids=ids)
        at_location = hsds.build_service_at_location(partner=partner, ids=ids)
        at_location["location"] = hsds.build_location(partner=partner, ids=ids)
        service["service_at_locations"] = [at_location]
    return service


def build_organization_record(*, partner: Partner, ids: hsds.Ids) -> dict:
    return hsds.build_organization(
        partner=partner, ids=ids, contacts=getattr(partner, "public_contacts", [])
    )


def export_workspace(*, workspace: Workspace) -> dict:
    """The workspace's public sociale kaart as one HSDS 3.0 document, in Dutch."""
    with translation.override("nl"):
        ids = load_ids(workspaces=[workspace])[workspace.pk]
        partners = list(published_partners().filter(workspace=workspace))
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
