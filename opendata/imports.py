"""Import an HSDS 3.0 document (the file another region exports) into a workspace.

All or nothing: the file is size-checked, parsed, validated against the official schemas and
its references, then every service is mapped onto a partner inside one transaction; any
problem (each reported with its JSON path) rolls everything back. Idempotent on the UUIDs:
a record whose id was imported before is updated, not duplicated, and keeps its id in our
exports. A dry run does the same work and rolls back, so it lists exactly what would change.

Mapping: one service becomes one partner; its organization supplies the description,
website, phone, KvK number and public contacts; the first location linked through
service_at_locations supplies the address and coordinates. Attributes whose terms are in our
domain taxonomy set the domain (default: welfare); all other terms become themes (matched on
code, created when new). Service areas become neighbourhoods (matched on CBS code or name).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import Workspace
from core.validators import normalise_phone, normalise_postcode
from core.vocab import Domain
from network.models import Contact, Neighbourhood, Partner, Theme
from network.services import Window, create_partner, update_partner
from opendata import hsds
from opendata.models import HsdsIdentity
from opendata.validation import Problem, document_problems

DEFAULT_DOMAIN = Domain.WELFARE
WEEKDAYS = {code: index for index, code in enumerate(hsds.WEEKDAY_CODES)}
# Partner model field -> where it comes from in the HSDS document (for error paths).
FIELD_PATHS = {
    "name": "services[{s}].name",
    "short_description": "services[{s}].description",
    "description": "organizations[{o}].description",
    "website": "services[{s}].url",
    "email": "services[{s}].email",
    "phone": "organizations[{o}].phones[0].number",
    "referral_info": "services[{s}].application_process",
    "target_groups": "services[{s}].eligibility_description",
    "accessibility": "locations[{l}].accessibility[0].description",
    "address": "locations[{l}].addresses[0].address_1",
    "postcode": "locations[{l}].addresses[0].postal_code",
    "city": "locations[{l}].addresses[0].city",
    "latitude": "locations[{l}].latitude",
    "longitude": "locations[{l}].longitude",
    "kvk_number": "organizations[{o}].organization_identifiers",
}


class HsdsImportError(Exception):
    """Nothing was imported; `problems` lists every one, each with its JSON path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportReport:
    dry_run: bool
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, action: str, kind: str, label: str) -> None:
        self.changes.append((action, kind, label))

    def count(self, action: str, kind: str = "partner") -> int:
        return sum(1 for a, k, _label in self.changes if a == action and k == kind)


class _DryRun(Exception):
    pass


def read_document(*, data: bytes | str) -> dict:
    """The parsed document, or HsdsImportError for too large, not JSON or invalid files."""
    raw = data.encode() if isinstance(data, str) else data
    limit = settings.HSDS_IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise HsdsImportError(
            [
                Problem(
                    "$",
                    _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": len(raw), "limit": limit},
                )
            ]
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise HsdsImportError([Problem("$", _("The file is not UTF-8 text."))]) from None
    except json.JSONDecodeError as exc:
        raise HsdsImportError(
            [
                Problem(
                    "$",
                    _("Not JSON: %(error)s (line %(line)s, column %(column)s).")
                    % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
                )
            ]
        ) from None
    problems = document_problems(document)
    if problems:
        raise HsdsImportError(problems)
    if not document.get("services"):
        raise HsdsImportError([Problem("$.services", _("The file has no services."))])
    return document


def import_document(*, workspace: Workspace, data: bytes | str, dry_run: bool) -> ImportReport:
    document = read_document(data=data)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            problems = _Importer(workspace=workspace, document=document, report=report).run()
            if problems:
                raise HsdsImportError(problems)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _parse_time(value: object) -> dt.time | None:
    if not isinstance(value, str) or len(value) < 5:
        return None
    try:
        return dt.time.fromisoformat(value[:5])
    except ValueError:
        return None


class _Importer:
    def __init__(self, *, workspace: Workspace, document: dict, report: ImportReport) -> None:
        self.workspace = workspace
        self.document = document
        self.report = report
        self.problems: list[Problem] = []
        self.index = {
            table: {row["id"]: (i, row) for i, row in enumerate(document.get(table, []))}
            for table in ("organizations", "locations", "taxonomy_terms")
        }
        self.locations_of: dict[str, list[str]] = defaultdict(list)
        self.links_of: dict[str, list[dict]] = defaultdict(list)
        for link in document.get("service_at_locations", []):
            self.links_of[link.get("service_id")].append(link)
        for service in document.get("services", []):
            for link in service.get("service_at_locations", []):
                if link.get("location_id"):
                    self.links_of[service["id"]].append(link)
        self.identities = {
            (i.kind, i.key): i for i in HsdsIdentity.objects.filter(workspace=workspace)
        }
        self.by_uuid = {str(i.uuid): i for i in self.identities.values()}
        self.used: set[str] = set()
        self.derived: dict[str, dict[str, int]] = {}
        self.domain_taxonomy = hsds.Ids(workspace_slug="").get("taxonomy", hsds.DOMAIN_TAXONOMY)
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.neighbourhoods = list(workspace.neighbourhoods.all())

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(f"$.{path}", message))

    # -- identities -----------------------------------------------------------------------

    def _existing(self, kind: str, hsds_id: str) -> int | None:
        """Our record with this id: one an import stored, or one whose derived id it is."""
        identity = self.by_uuid.get(hsds_id)
        if identity is not None and identity.kind == kind:
            return int(identity.key)
        if kind not in self.derived:
            ids = hsds.Ids(workspace_slug=self.workspace.slug)
            if kind == "contact":
                keys = Contact.objects.filter(partner__workspace=self.workspace)
            else:
                keys = Partner.objects.filter(workspace=self.workspace)
            self.derived[kind] = {ids.get(kind, pk): pk for pk in keys.values_list("pk", flat=True)}
        return self.derived[kind].get(hsds_id)

    def _remember(self, kind: str, key: object, hsds_id: str) -> None:
        """Store the file's id for this record, unless another record of ours holds it."""
        if hsds_id in self.used:
            return
        self.used.add(hsds_id)
        key = str(key)
        if hsds.Ids(workspace_slug=self.workspace.slug).get(kind, key) == hsds_id:
            return
        current = self.identities.get((kind, key))
        if current is not None and str(current.uuid) == hsds_id:
            return
        other = self.by_uuid.get(hsds_id)
        if other is not None and (other.kind, other.key) != (kind, key):
            other.delete()
        identity, _created = HsdsIdentity.objects.update_or_create(
            workspace=self.workspace, kind=kind, key=key, defaults={"uuid": hsds_id}
        )
        self.identities[(kind, key)] = identity
        self.by_uuid[hsds_id] = identity

    # -- mapping --------------------------------------------------------------------------

    def run(self) -> list[Problem]:
        for s_index, service in enumerate(self.document["services"]):
            self.service(s_index, service)
        return self.problems

    def _terms(self, s_index: int, service: dict) -> tuple[str, list[Theme]]:
        domain, themes = DEFAULT_DOMAIN.value, []
        for a_index, attribute in enumerate(service.get("attributes", [])):
            term_id = attribute.get("taxonomy_term_id")
            if term_id is None:
                continue
            found = self.index["taxonomy_terms"].get(term_id)
            if found is None:
                self.fail(
                    f"services[{s_index}].attributes[{a_index}].taxonomy_term_id",
                    _("Unknown taxonomy term %(id)s.") % {"id": term_id},
                )
                continue
            _t_index, term = found
            code = term.get("code") or slugify(term["name"])
            if term.get("taxonomy_id") == self.domain_taxonomy or term.get("taxonomy") == "domains":
                if code in Domain.values:
                    domain = code
                    self._remember("domain", code, term_id)
                continue
            themes.append(self._theme(code=code, term=term))
        return domain, themes

    def _theme(self, *, code: str, term: dict) -> Theme:
        slug = slugify(code)[:80] or "thema"
        theme = self.themes.get(slug)
        if theme is None:
            theme = Theme.objects.create(slug=slug, name=term["name"][:120])
            self.themes[slug] = theme
            self.report.add("create", "theme", theme.name)
        self._remember("theme", slug, term["id"])
        return theme

    def _neighbourhoods(self, service: dict, location: dict | None) -> list[Neighbourhood]:
        found = []
        for area in service.get("service_areas", []):
            code, name = area.get("extent") or "", area.get("name") or ""
            match = next(
                (n for n in self.neighbourhoods if code and n.cbs_code == code), None
            ) or next((n for n in self.neighbourhoods if name and n.name == name), None)
            if match is None and name and location and "latitude" in location:
                match = Neighbourhood(
                    workspace=self.workspace,
                    name=name[:120],
                    slug=_unique_neighbourhood_slug(name),
                    municipality=(area.get("description") or name)[:120],
                    cbs_code=code if len(code) <= 10 else "",
                    latitude=location["latitude"],
                    longitude=location["longitude"],
                )
                try:
                    match.full_clean()
                except ValidationError:
                    match.cbs_code = ""
                match.save()
                self.neighbourhoods.append(match)
                self.report.add("create", "neighbourhood", match.name)
            if match is not None and match not in found:
                found.append(match)
        return found

    def _windows(self, s_index: int, service: dict) -> list[Window]:
        windows = []
        for i, schedule in enumerate(service.get("schedules", [])):
            path = f"services[{s_index}].schedules[{i}]"
            if schedule.get("freq") != "WEEKLY" or not schedule.get("byday"):
                continue
            opens, closes = (
                _parse_time(schedule.get("opens_at")),
                _parse_time(schedule.get("closes_at")),
            )
            if opens is None or closes is None:
                self.fail(path, _("A weekly schedule needs opens_at and closes_at as HH:MM."))
                continue
            if closes <= opens:
                self.fail(f"{path}.closes_at", _("A visiting window must close after it opens."))
                continue
            for code in str(schedule["byday"]).split(","):
                weekday = WEEKDAYS.get(code.strip().upper()[-2:])
                if weekday is None:
                    self.fail(f"{path}.byday", _("Unknown day %(day)s.") % {"day": code})
                    continue
                windows.append(Window(weekday=weekday, opens_at=opens, closes_at=closes))
        return sorted(set(windows), key=lambda w: (w.weekday, w.opens_at, w.closes_at))

    def service(self, s_index: int, service: dict) -> None:
        start = len(self.problems)
        o_index, organization = self.index["organizations"].get(
            service.get("organization_id"), (None, {})
        )
        links = self.links_of.get(service["id"], [])
        location, l_index = None, None
        for link in links:
            found = self.index["locations"].get(link.get("location_id"))
            if found and found[1].get("location_type") == "physical":
                l_index, location = found
                break
        if location is None:
            self.fail(
                f"services[{s_index}]",
                _("A service needs a physical location (through service_at_locations)."),
            )
            return
        addresses = [a for a in location.get("addresses", []) if a["address_type"] == "physical"]
        if not addresses:
            self.fail(f"locations[{l_index}].addresses", _("A physical address is missing."))
            return
        address = addresses[0]
        for name in ("latitude", "longitude"):
            if location.get(name) is None:
                self.fail(f"locations[{l_index}].{name}", _("Coordinates are required."))
        if len(self.problems) > start:
            return
        domain, themes = self._terms(s_index, service)
        windows = self._windows(s_index, service)
        phones = organization.get("phones", [])
        kvk = next(
            (
                i["identifier"]
                for i in organization.get("organization_identifiers", [])
                if i.get("identifier_scheme") == "NL-KVK"
            ),
            "",
        )
        accessibility = location.get("accessibility", [])
        fields = {
            "name": service["name"][:200],
            "short_description": (service.get("description") or "")[:300],
            "description": organization.get("description", ""),
            "domain": domain,
            "address": address["address_1"][:200],
            "postcode": _postcode(address["postal_code"]),
            "city": address["city"][:120],
            "latitude": location["latitude"],
            "longitude": location["longitude"],
            "website": service.get("url") or organization.get("website", ""),
            "email": service.get("email") or organization.get("email", ""),
            "phone": _phone(phones[0]["number"]) if phones else "",
            "referral_info": service.get("application_process", ""),
            "target_groups": (service.get("eligibility_description") or "")[:300],
            "accessibility": accessibility[0].get("description", "") if accessibility else "",
            "is_active": service["status"] == "active",
        }
        extra = {
            "kvk_number": kvk,
            "assured_date": self._date(s_index, service.get("assured_date")),
            "updated_at": self._moment(s_index, service.get("last_modified")),
        }
        if len(self.problems) > start:
            return
        pk = self._existing("service", service["id"])
        partner = Partner.objects.filter(pk=pk, workspace=self.workspace).first() if pk else None
        neighbourhoods = self._neighbourhoods(service, location)
        paths = {"s": s_index, "o": o_index, "l": l_index}
        try:
            if kvk:
                Partner(kvk_number=kvk).clean_fields(exclude=_all_but("kvk_number"))
            if partner is None:
                partner = create_partner(
                    workspace=self.workspace,
                    fields=fields,
                    themes=themes,
                    neighbourhoods=neighbourhoods,
                    windows=windows,
                )
                self.report.add("create", "partner", partner.name)
            else:
                current = [
                    Window(w.weekday, w.opens_at, w.closes_at)
                    for w in partner.visiting_windows.all()
                ]
                update_partner(
                    partner=partner,
                    fields=fields,
                    themes=themes,
                    neighbourhoods=neighbourhoods,
                    windows=None if sorted(current, key=_window_key) == windows else windows,
                )
                self.report.add("update", "partner", partner.name)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                where = FIELD_PATHS.get(name, f"services[{s_index}]").format(**paths)
                for message in messages:
                    self.fail(where, message)
            return
        changes = {"kvk_number": extra["kvk_number"], "assured_date": extra["assured_date"]}
        if extra["updated_at"] is not None:
            changes["updated_at"] = extra["updated_at"]
        Partner.objects.filter(pk=partner.pk).update(**changes)
        self._contacts(partner, organization, o_index)
        self._remember("service", partner.pk, service["id"])
        if organization.get("id"):
            self._remember("organization", partner.pk, organization["id"])
        self._remember("location", partner.pk, location["id"])
        link = next(x for x in links if x.get("location_id") == location["id"])
        if link.get("id"):
            self._remember("service_at_location", partner.pk, link["id"])

    def _contacts(self, partner: Partner, organization: dict, o_index: int | None) -> None:
        for c_index, entry in enumerate(organization.get("contacts", [])):
            pk = self._existing("contact", entry["id"])
            contact = Contact.objects.filter(pk=pk, partner=partner).first() if pk else None
            contact = contact or Contact(partner=partner, is_public=True)
            phones = entry.get("phones", [])
            contact.name = (entry.get("name") or entry.get("title") or "—")[:150]
            contact.role = (entry.get("title") or "")[:150]
            contact.email = entry.get("email", "")
            contact.phone = _phone(phones[0]["number"]) if phones else ""
            contact.is_public = True
            try:
                contact.full_clean()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        self.fail(f"organizations[{o_index}].contacts[{c_index}].{name}", message)
                continue
            contact.save()
            self._remember("contact", contact.pk, entry["id"])

    def _date(self, s_index: int, value: object) -> dt.date | None:
        if not value:
            return None
        try:
            day = parse_date(str(value)[:10])
        except ValueError:
            day = None
        if day is None:
            self.fail(f"services[{s_index}].assured_date", _("Use a date such as 2026-06-01."))
        return day

    def _moment(self, s_index: int, value: object) -> dt.datetime | None:
        if not value:
            return None
        try:
            moment = parse_datetime(str(value))
        except ValueError:
            moment = None
        if moment is None:
            self.fail(f"services[{s_index}].last_modified", _("Use an ISO 8601 date-time."))
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _window_key(window: Window) -> tuple:
    return (window.weekday, window.opens_at, window.closes_at)


def _all_but(name: str) -> list[str]:
    return [f.name for f in Partner._meta.fields if f.name != name]


def _postcode(value: str) -> str:
    try:
        return normalise_postcode(value)
    except ValidationError:
        return value


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValidationError:
        return value


def _unique_neighbourhood_slug(name: str) -> str:
    base = slugify(name)[:70] or "wijk"
    candidate, n = base, 2
    while Neighbourhood.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate
