"""Pure HSDS 3.0 builders: partner-network records in, Open Referral JSON objects out.

No queries and no request: callers pass rows they have already loaded (with their relations
prefetched) and an `Ids` that knows every record's UUID. One partner publishes as one
organization, one service, one physical location and the service_at_location joining them.
Nested records (phones, schedules, addresses, attributes, …) get ids derived from their
parent's UUID, so re-exports and round trips keep every id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

HSDS_VERSION = "3.0"
PROFILE_URI = "https://wijktour.nl/hsds/profile/nl-sociale-kaart/1.0"
# Themes are shared by every workspace, so their taxonomy ids are the same everywhere.
TAXONOMY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://wijktour.nl/hsds/taxonomies")
THEME_TAXONOMY = "themes"
DOMAIN_TAXONOMY = "domains"
# HSDS schedules carry a fixed UTC offset; visiting hours are Amsterdam wall-clock times and
# the description says so (the offset is +2 in summer time).
TIMEZONE_OFFSET = 1
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UPDATED_BY = "Wijktour"

# Province by postcode range (first four digits). Approximate at a few range borders, good for
# the state_province HSDS requires; there is no offline gazetteer to do better.
PROVINCE_RANGES: tuple[tuple[int, int, str], ...] = (
    (1000, 1299, "Noord-Holland"),
    (1300, 1379, "Flevoland"),
    (1380, 2199, "Noord-Holland"),
    (2200, 3399, "Zuid-Holland"),
    (3400, 3999, "Utrecht"),
    (4000, 4199, "Gelderland"),
    (4200, 4299, "Zuid-Holland"),
    (4300, 4599, "Zeeland"),
    (4600, 5799, "Noord-Brabant"),
    (5800, 6499, "Limburg"),
    (6500, 7399, "Gelderland"),
    (7400, 7799, "Overijssel"),
    (7800, 7999, "Drenthe"),
    (8000, 8199, "Overijssel"),
    (8200, 8399, "Flevoland"),
    (8400, 9299, "Friesland"),
    (9300, 9399, "Drenthe"),
    (9400, 9499, "Drenthe"),
    (9500, 9999, "Groningen"),
)


def province_for_postcode(postcode: str) -> str:
    digits = postcode[:4]
    if not digits.isdigit():
        return ""
    number = int(digits)
    for low, high, province in PROVINCE_RANGES:
        if low <= number <= high:
            return province
    return ""


def workspace_namespace(slug: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://wijktour.nl/hsds/workspace/{slug}")


@lru_cache(maxsize=8192)
def _as_uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


# A pure function of its arguments, called a dozen times per record: remembering the recent
# ones saves a good part of building an API page.
@lru_cache(maxsize=32768)
def child_id(parent: str, suffix: str) -> str:
    return str(uuid.uuid5(_as_uuid(parent), suffix))


@lru_cache(maxsize=32768)
def derived_id(namespace: uuid.UUID, name: str) -> str:
    return str(uuid.uuid5(namespace, name))


@dataclass
class Ids:
    """Every record's HSDS id: the one an import stored, else uuid5(workspace, kind:key)."""

    workspace_slug: str
    stored: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._namespace = workspace_namespace(self.workspace_slug)

    def get(self, kind: str, key: object) -> str:
        found = self.stored.get((kind, str(key)))
        if found:
            return found
        namespace = TAXONOMY_NAMESPACE if kind in TAXONOMY_KINDS else self._namespace
        return derived_id(namespace, f"{kind}:{key}")


# Taxonomy records are keyed by slug or code, never by a database key.
TAXONOMY_KINDS = frozenset({"taxonomy", "theme", "domain"})


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _compact(record: dict) -> dict:
    """Leave out empty optional values: '' is not a valid email, uri or date."""
    return {k: v for k, v in record.items() if v not in ("", None)}


def metadata(*, resource_id: str, resource_type: str, changed_at: datetime) -> list[dict]:
    return [
        {
            "id": child_id(resource_id, "metadata"),
            "resource_id": resource_id,
            "resource_type": resource_type,
            "last_action_date": timestamp(changed_at),
            "last_action_type": "update",
            "field_name": "",
            "previous_value": "",
            "replacement_value": "",
            "updated_by": UPDATED_BY,
        }
    ]


def build_taxonomies(*, ids: Ids, labels: Mapping[str, str]) -> list[dict]:
    return [
        {
            "id": ids.get("taxonomy", THEME_TAXONOMY),
            "name": labels["themes"],
            "description": labels["themes_description"],
            "version": "1",
        },
        {
            "id": ids.get("taxonomy", DOMAIN_TAXONOMY),
            "name": labels["domains"],
            "description": labels["domains_description"],
            "version": "1",
        },
    ]


def build_taxonomy_terms(
    *, ids: Ids, themes: Iterable, domains: Iterable[tuple[str, str]], labels: Mapping[str, str]
) -> list[dict]:
    terms = []
    theme_taxonomy = ids.get("taxonomy", THEME_TAXONOMY)
    for theme in themes:
        dimensions = ", ".join(theme.dimension_labels)
        terms.append(
            {
                "id": ids.get("theme", theme.slug),
                "code": theme.slug,
                "name": theme.name,
                "description": dimensions or theme.name,
                "taxonomy": THEME_TAXONOMY,
                "taxonomy_id": theme_taxonomy,
                "language": "nl",
            }
        )
    domain_taxonomy = ids.get("taxonomy", DOMAIN_TAXONOMY)
    for code, label in domains:
        terms.append(
            {
                "id": ids.get("domain", code),
                "code": code,
                "name": label,
                "description": f"{labels['domain']}: {label}",
                "taxonomy": DOMAIN_TAXONOMY,
                "taxonomy_id": domain_taxonomy,
                "language": "nl",
            }
        )
    return terms


def _phone(*, record_id: str, number: str, owner: str, owner_id: str) -> dict:
    return {"id": child_id(record_id, "phone"), owner: owner_id, "number": number}


def build_organization(*, partner, ids: Ids, contacts: Iterable) -> dict:
    org_id = ids.get("organization", partner.pk)
    organization = _compact(
        {
            "id": org_id,
            "name": partner.name,
            "description": partner.description or partner.short_description or partner.name,
            "email": partner.email,
            "website": partner.website,
        }
    )
    organization["phones"] = (
        [_phone(record_id=org_id, number=partner.phone, owner="organization_id", owner_id=org_id)]
        if partner.phone
        else []
    )
    organization["organization_identifiers"] = (
        [
            {
                "id": child_id(org_id, "kvk"),
                "organization_id": org_id,
                "identifier_scheme": "NL-KVK",
                "identifier_type": "KvK-nummer",
                "identifier": partner.kvk_number,
            }
        ]
        if partner.kvk_number
        else []
    )
    organization["contacts"] = []
    for contact in contacts:
        contact_id = ids.get("contact", contact.pk)
        entry = _compact(
            {
                "id": contact_id,
                "organization_id": org_id,
                "name": contact.name,
                "title": contact.role,
                "email": contact.email,
            }
        )
        entry["phones"] = (
            [
                _phone(
                    record_id=contact_id,
                    number=contact.phone,
                    owner="contact_id",
                    owner_id=contact_id,
                )
            ]
            if contact.phone
            else []
        )
        organization["contacts"].append(entry)
    organization["metadata"] = metadata(
        resource_id=org_id, resource_type="organization", changed_at=partner.updated_at
    )
    return organization


def build_schedules(*, service_id: str, windows: Iterable, description: str) -> list[dict]:
    schedules = []
    for w in windows:
        opens, closes = w.opens_at.isoformat("minutes"), w.closes_at.isoformat("minutes")
        schedules.append(
            {
                "id": child_id(service_id, f"schedule:{w.weekday}:{opens}:{closes}"),
                "service_id": service_id,
                "freq": "WEEKLY",
                "wkst": "MO",
                "interval": 1,
                "byday": WEEKDAY_CODES[w.weekday],
                "opens_at": opens,
                "closes_at": closes,
                "timezone": TIMEZONE_OFFSET,
                "description": description,
                "attending_type": "in_person",
            }
        )
    return schedules


def build_service(
    *,
    partner,
    ids: Ids,
    themes: Iterable,
    neighbourhoods: Iterable,
    windows: Iterable,
    schedule_description: str,
    domain_label: str,
) -> dict:
    service_id = ids.get("service", partner.pk)
    service = _compact(
        {
            "id": service_id,
            "organization_id": ids.get("organization", partner.pk),
            "name": partner.name,
            "description": partner.short_description or partner.description,
            "url": partner.website,
            "email": partner.email,
            "status": "active" if partner.is_active else "inactive",
            "application_process": partner.referral_info,
            "eligibility_description": partner.target_groups,
            "assured_date": partner.assured_date.isoformat() if partner.assured_date else "",
            "last_modified": timestamp(partner.updated_at),
        }
    )
    service["schedules"] = build_schedules(
        service_id=service_id, windows=windows, description=schedule_description
    )
    service["service_areas"] = []
    for neighbourhood in neighbourhoods:
        # Keyed by what the file itself says, so an importer derives the same id.
        area_key = neighbourhood.cbs_code or neighbourhood.name
        area = _compact(
            {
                "id": child_id(service_id, f"area:{area_key}"),
                "service_id": service_id,
                "name": neighbourhood.name,
                "description": neighbourhood.municipality,
                "extent": neighbourhood.cbs_code,
                "extent_type": "text" if neighbourhood.cbs_code else "",
            }
        )
        service["service_areas"].append(area)
    terms = [("domain", partner.domain, domain_label)]
    terms += [("theme", t.slug, t.name) for t in themes]
    service["attributes"] = []
    for kind, key, label in terms:
        term_id = ids.get(kind, key)
        service["attributes"].append(
            {
                "id": child_id(service_id, f"attribute:{term_id}"),
                "link_id": service_id,
                "link_type": kind,
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "value": str(label),
            }
        )
    service["metadata"] = metadata(
        resource_id=service_id, resource_type="service", changed_at=partner.updated_at
    )
    return service


def build_location(*, partner, ids: Ids) -> dict:
    location_id = ids.get("location", partner.pk)
    location = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": ids.get("organization", partner.pk),
        "name": partner.name,
        "latitude": partner.latitude,
        "longitude": partner.longitude,
        "addresses": [
            {
                "id": child_id(location_id, "address:physical"),
                "location_id": location_id,
                "address_1": partner.address,
                "city": partner.city,
                "state_province": province_for_postcode(partner.postcode),
                "postal_code": partner.postcode,
                "country": "NL",
                "address_type": "physical",
            }
        ],
        "accessibility": (
            [
                {
                    "id": child_id(location_id, "accessibility"),
                    "location_id": location_id,
                    "description": partner.accessibility,
                }
            ]
            if partner.accessibility
            else []
        ),
        "metadata": metadata(
            resource_id=location_id, resource_type="location", changed_at=partner.updated_at
        ),
    }
    return location


def build_service_at_location(*, partner, ids: Ids) -> dict:
    return {
        "id": ids.get("service_at_location", partner.pk),
        "service_id": ids.get("service", partner.pk),
        "location_id": ids.get("location", partner.pk),
    }


def page(*, items: list, total: int, page_number: int, per_page: int) -> dict:
    """HSDS pagination envelope (OpenAPI components.schemas.Page)."""
    total_pages = max(1, -(-total // per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(items),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": total == 0,
        "contents": items,
    }
