"""The partner network's domain logic: keeping partners, their import and export.

Pages, the API and the `import_partners` command all call these functions; they validate
with the model's validators, write in one transaction and raise Django's ValidationError
(or PartnerImportError for a CSV) with per-field messages.
"""

import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Workspace
from core.validators import normalise_phone, normalise_postcode
from core.vocab import Domain
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow

# Profile fields a coordinator (or the CSV) sets directly; relations are handled apart.
PARTNER_FIELDS: tuple[str, ...] = (
    "name",
    "slug",
    "short_description",
    "description",
    "domain",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "referral_info",
    "target_groups",
    "max_group_size",
    "accessibility",
    "is_active",
)

CSV_COLUMNS: tuple[str, ...] = (*PARTNER_FIELDS, "themes", "neighbourhoods", "visiting_hours")
CSV_REQUIRED: frozenset[str] = frozenset(
    {"name", "domain", "address", "postcode", "city", "latitude", "longitude"}
)
# Shown on the import page in the coordinator's language.
CSV_COLUMN_HELP: dict[str, str] = {
    "name": gettext_lazy("Name of the organisation (required)"),
    "slug": gettext_lazy("Stable identifier in URLs; made from the name when empty"),
    "short_description": gettext_lazy("One line (max. 300 characters)"),
    "description": gettext_lazy("Longer description"),
    "domain": format_lazy("{} {}", gettext_lazy("One of:"), ", ".join(Domain.values)),
    "address": gettext_lazy("Street and number (required)"),
    "postcode": gettext_lazy("Dutch postcode, 1234 AB (required)"),
    "city": gettext_lazy("City (required)"),
    "latitude": gettext_lazy("Decimal degrees, e.g. 52.3625 (required)"),
    "longitude": gettext_lazy("Decimal degrees, e.g. 4.9390 (required)"),
    "website": gettext_lazy("https://…"),
    "email": gettext_lazy("Public e-mail address"),
    "phone": gettext_lazy("Public phone number"),
    "referral_info": gettext_lazy("How to refer a resident"),
    "target_groups": gettext_lazy("Target groups"),
    "max_group_size": gettext_lazy("Maximum group size for a visit (whole number)"),
    "accessibility": gettext_lazy("Accessibility notes"),
    "is_active": gettext_lazy("yes/no (default yes)"),
    "themes": gettext_lazy("Theme slugs separated by ';'"),
    "neighbourhoods": gettext_lazy("Neighbourhood slugs of the same workspace separated by ';'"),
    "visiting_hours": gettext_lazy(
        "Weekly windows separated by ';', e.g. 'mon 09:00-12:00; wed 13:00-16:00'"
    ),
}

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dutch abbreviations are accepted on import too: spreadsheets are kept by Dutch coordinators.
WEEKDAY_ALIASES = {code: i for i, code in enumerate(WEEKDAY_CODES)} | {
    code: i for i, code in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))
}
WINDOW_RE = re.compile(r"^([a-z]{2,3})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")
TRUE_WORDS = {"1", "yes", "ja", "true", "waar", "y", "j"}
FALSE_WORDS = {"0", "no", "nee", "false", "onwaar", "n"}


@dataclass(frozen=True)
class Window:
    """A weekly visiting window as plain data (0 = Monday)."""

    weekday: int
    opens_at: dt.time
    closes_at: dt.time


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class PartnerImportError(Exception):
    """The CSV had bad rows; nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _normalise(fields: dict) -> dict:
    """Normalise postcode and phone notation; leave bad values for full_clean to report."""
    fields = dict(fields)
    for name, normalise in (("postcode", normalise_postcode), ("phone", normalise_phone)):
        if fields.get(name):
            with contextlib.suppress(ValidationError):
                fields[name] = normalise(fields[name])
    return fields


def _check_scope(
    *, workspace: Workspace, neighbourhoods: Iterable[Neighbourhood] | None
) -> list[Neighbourhood] | None:
    if neighbourhoods is None:
        return None
    neighbourhoods = list(neighbourhoods)
    if any(n.workspace_id != workspace.pk for n in neighbourhoods):
        raise ValidationError(
            {"neighbourhoods": _("Choose neighbourhoods of the partner's own workspace.")}
        )
    return neighbourhoods


def _check_windows(windows: Iterable[Window] | None) -> list[Window] | None:
    if windows is None:
        return None
    windows = list(windows)
    for window in windows:
        if window.closes_at <= window.opens_at:
            raise ValidationError(
                {"visiting_windows": _("A visiting window must close after it opens.")}
            )
    return windows


def _save_relations(
    partner: Partner,
    *,
    themes: Iterable[Theme] | None,
    neighbourhoods: list[Neighbourhood] | None,
    windows: list[Window] | None,
) -> None:
    if themes is not None:
        partner.themes.set(themes)
    if neighbourhoods is not None:
        partner.neighbourhoods.set(neighbourhoods)
    if windows is not None:
        partner.visiting_windows.all().delete()
        VisitingWindow.objects.bulk_create(
            VisitingWindow(
                partner=partner, weekday=w.weekday, opens_at=w.opens_at, closes_at=w.closes_at
            )
            for w in windows
        )


def unique_partner_slug(*, name: str, taken: set[str] | None = None) -> str:
    """A slug from the name that no partner (nor anything in `taken`) uses yet."""
    base = slugify(name)[:110] or "partner"
    taken = taken or set()
    candidate, n = base, 2
    while candidate in taken or Partner.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@transaction.atomic
def create_partner(
    *,
    workspace: Workspace,
    fields: dict,
    themes: Iterable[Theme] = (),
    neighbourhoods: Iterable[Neighbourhood] = (),
    windows: Iterable[Window] = (),
    editors: Iterable = (),
) -> Partner:
    """Add a partner to a workspace's sociale kaart."""
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"not partner fields: {sorted(unknown)}")
    fields = _normalise(fields)
    if not fields.get("slug"):
        fields["slug"] = unique_partner_slug(name=fields.get("name", ""))
    neighbourhoods = _check_scope(workspace=workspace, neighbourhoods=neighbourhoods)
    windows = _check_windows(windows)
    partner = Partner(workspace=workspace, **fields)
    partner.full_clean()
    partner.save()
    _save_relations(partner, themes=themes, neighbourhoods=neighbourhoods, windows=windows)
    partner.editors.set(editors)
    return partner


@transaction.atomic
def update_partner(
    *,
    partner: Partner,
    fields: dict,
    themes: Iterable[Theme] | None = None,
    neighbourhoods: Iterable[Neighbourhood] | None = None,
    windows: Iterable[Window] | None = None,
) -> Partner:
    """Change a partner's profile; relations given as None stay as they are."""
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"not partner fields: {sorted(unknown)}")
    fields = _normalise(fields)
    neighbourhoods = _check_scope(workspace=partner.workspace, neighbourhoods=neighbourhoods)
    windows = _check_windows(windows)
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    _save_relations(partner, themes=themes, neighbourhoods=neighbourhoods, windows=windows)
    return partner


def deactivate_partner(*, partner: Partner) -> Partner:
    """Take a partner off the public map without losing its history (tours refer to it)."""
    partner.is_active = False
    partner.save(update_fields=["is_active", "updated_at"])
    return partner


def reactivate_partner(*, partner: Partner) -> Partner:
    partner.is_active = True
    partner.save(update_fields=["is_active", "updated_at"])
    return partner


def save_contact(*, partner: Partner, fields: dict, contact: Contact | None = None) -> Contact:
    """Create or change a contact person of a partner."""
    fields = dict(fields)
    if fields.get("phone"):
        with contextlib.suppress(ValidationError):
            fields["phone"] = normalise_phone(fields["phone"])
    contact = contact or Contact(partner=partner)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact


def save_neighbourhood(
    *, workspace: Workspace, fields: dict, neighbourhood: Neighbourhood | None = None
) -> Neighbourhood:
    """Create or change a neighbourhood of a workspace."""
    neighbourhood = neighbourhood or Neighbourhood(workspace=workspace)
    for name, value in fields.items():
        setattr(neighbourhood, name, value)
    neighbourhood.full_clean()
    neighbourhood.save()
    return neighbourhood


def save_theme(*, fields: dict, theme: Theme | None = None) -> Theme:
    theme = theme or Theme()
    for name, value in fields.items():
        setattr(theme, name, value)
    theme.full_clean()
    theme.save()
    return theme


# --- CSV -------------------------------------------------------------------------------------


def format_windows(windows: Iterable) -> str:
    return "; ".join(
        f"{WEEKDAY_CODES[w.weekday]} {w.opens_at:%H:%M}-{w.closes_at:%H:%M}" for w in windows
    )


def parse_windows(text: str) -> list[Window]:
    """'mon 09:00-12:00; wo 13:00-16:00' -> windows. Raises ValueError with a reason."""
    windows = []
    for part in (p.strip().lower() for p in text.split(";")):
        if not part:
            continue
        match = WINDOW_RE.match(part)
        if not match or match.group(1) not in WEEKDAY_ALIASES:
            raise ValueError(
                _("'%(part)s' is not a window such as 'mon 09:00-12:00'.") % {"part": part}
            )
        try:
            opens = dt.time.fromisoformat(match.group(2).zfill(5))
            closes = dt.time.fromisoformat(match.group(3).zfill(5))
        except ValueError as exc:
            raise ValueError(_("'%(part)s' has an invalid time.") % {"part": part}) from exc
        if closes <= opens:
            raise ValueError(_("'%(part)s' closes before it opens.") % {"part": part})
        windows.append(Window(WEEKDAY_ALIASES[match.group(1)], opens, closes))
    return windows


def _split_slugs(text: str) -> list[str]:
    return [s.strip() for s in (text or "").split(";") if s.strip()]


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(f, m) for f, msgs in error.message_dict.items() for m in msgs]
    return [("row", m) for m in error.messages]


@dataclass
class _ParsedRow:
    line: int
    partner: Partner
    themes: list[int]
    neighbourhoods: list[int]
    windows: list[Window]


def _parse_row(
    *,
    line: int,
    row: dict,
    workspace: Workspace,
    existing: dict[str, Partner],
    themes: dict[str, int],
    neighbourhoods: dict[str, int],
    errors: list[RowError],
) -> _ParsedRow | None:
    before = len(errors)

    def fail(field: str, message: str) -> None:
        errors.append(RowError(line, field, message))

    values = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
    for name in sorted(CSV_REQUIRED):
        if not values[name]:
            fail(name, _("This field is required."))
    fields: dict = {k: values[k] for k in PARTNER_FIELDS}
    for name in ("latitude", "longitude"):
        if values[name]:
            try:
                fields[name] = float(values[name].replace(",", "."))
            except ValueError:
                fail(name, _("'%(value)s' is not a number.") % {"value": values[name]})
    if values["max_group_size"]:
        try:
            fields["max_group_size"] = int(values["max_group_size"])
        except ValueError:
            fail("max_group_size", _("Enter a whole number."))
    else:
        fields["max_group_size"] = None
    active = values["is_active"].lower()
    if active and active not in TRUE_WORDS | FALSE_WORDS:
        fail("is_active", _("Use yes or no."))
    fields["is_active"] = active not in FALSE_WORDS
    theme_ids = []
    for slug in _split_slugs(values["themes"]):
        if slug in themes:
            theme_ids.append(themes[slug])
        else:
            fail("themes", _("Unknown theme '%(slug)s'.") % {"slug": slug})
    neighbourhood_ids = []
    for slug in _split_slugs(values["neighbourhoods"]):
        if slug in neighbourhoods:
            neighbourhood_ids.append(neighbourhoods[slug])
        else:
            fail(
                "neighbourhoods",
                _("Unknown neighbourhood '%(slug)s' in this workspace.") % {"slug": slug},
            )
    try:
        windows = parse_windows(values["visiting_hours"])
    except ValueError as exc:
        fail("visiting_hours", str(exc))
        windows = []
    fields = _normalise(fields)
    partner = existing.get(fields["slug"]) if fields["slug"] else None
    if partner is not None and partner.workspace_id != workspace.pk:
        fail("slug", _("The slug '%(slug)s' belongs to another workspace.") % fields)
        return None
    if partner is None:
        partner = Partner(workspace=workspace)
    for name, value in fields.items():
        if not isinstance(value, str) or name not in ("latitude", "longitude"):
            setattr(partner, name, value)
    if len(errors) == before:
        try:
            # Slug uniqueness is checked for the whole file at once by the caller.
            partner.full_clean(
                exclude=None if partner.slug else ["slug"],
                validate_unique=False,
                validate_constraints=False,  # the field validators cover them; the DB enforces
            )
        except ValidationError as exc:
            for field, message in _messages(exc):
                fail(field, message)
    if len(errors) != before:
        return None
    return _ParsedRow(line, partner, theme_ids, neighbourhood_ids, windows)


def import_partners_csv(*, workspace: Workspace, file: io.TextIOBase | str) -> ImportResult:
    """Create or update (by slug) every partner in the CSV, or nothing at all.

    Every bad row is reported with its line number and reason in one PartnerImportError, so a
    coordinator fixes the whole file in one go. Lines count as a spreadsheet's rows do: the
    header is line 1, the first partner line 2 (a cell with line breaks stays one row).
    """
    text = file if isinstance(file, str) else file.read()
    text = text.removeprefix("\ufeff")
    # Dutch spreadsheet programs save CSV with semicolons; the header line tells which.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = sorted(CSV_REQUIRED - set(header))
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    errors: list[RowError] = []
    if missing:
        errors.append(RowError(1, "header", _("Missing columns: %s.") % ", ".join(missing)))
    if unknown:
        errors.append(RowError(1, "header", _("Unknown columns: %s.") % ", ".join(unknown)))
    if errors:
        raise PartnerImportError(errors)
    rows = list(reader)
    if not rows:
        raise PartnerImportError([RowError(1, "file", _("The file has no partner rows."))])

    slugs = {(r.get("slug") or "").strip() for r in rows} - {""}
    existing = {p.slug: p for p in Partner.objects.filter(slug__in=slugs)}
    themes = dict(Theme.objects.values_list("slug", "id"))
    neighbourhoods = dict(workspace.neighbourhoods.values_list("slug", "id"))
    parsed: list[_ParsedRow] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows, start=2):
        if None in row:
            errors.append(RowError(index, "row", _("The row has more cells than the header.")))
            continue
        result = _parse_row(
            line=index,
            row=row,
            workspace=workspace,
            existing=existing,
            themes=themes,
            neighbourhoods=neighbourhoods,
            errors=errors,
        )
        if result is None:
            continue
        slug = result.partner.slug
        if slug:
            if slug in seen:
                errors.append(
                    RowError(
                        index,
                        "slug",
                        _("The slug '%(slug)s' is also used on line %(line)s.")
                        % {"slug": slug, "line": seen[slug]},
                    )
                )
                continue
            seen[slug] = index
        parsed.append(result)
    if errors:
        raise PartnerImportError(errors)

    taken = set(seen)
    for row in parsed:
        if not row.partner.slug:
            row.partner.slug = unique_partner_slug(name=row.partner.name, taken=taken)
            taken.add(row.partner.slug)
    return _write_import(parsed)


@transaction.atomic
def _write_import(parsed: list[_ParsedRow]) -> ImportResult:
    now = timezone.now()
    new = [r.partner for r in parsed if r.partner.pk is None]
    old = [r.partner for r in parsed if r.partner.pk is not None]
    for partner in new:
        partner.created_at = partner.updated_at = now
    Partner.objects.bulk_create(new, batch_size=500)
    if new and new[0].pk is None:  # backends that return no ids on bulk insert
        ids = dict(Partner.objects.filter(slug__in=[p.slug for p in new]).values_list("slug", "id"))
        for partner in new:
            partner.pk = partner.id = ids[partner.slug]
    # One UPDATE per row: bulk_update's CASE WHEN over 19 columns is far slower on SQLite.
    for partner in old:
        partner.updated_at = now
        Partner.objects.filter(pk=partner.pk).update(
            updated_at=now, **{name: getattr(partner, name) for name in PARTNER_FIELDS}
        )

    ids = [r.partner.pk for r in parsed]
    theme_link = Partner.themes.through
    neighbourhood_link = Partner.neighbourhoods.through
    theme_link.objects.filter(partner_id__in=ids).delete()
    neighbourhood_link.objects.filter(partner_id__in=ids).delete()
    VisitingWindow.objects.filter(partner_id__in=ids).delete()
    theme_link.objects.bulk_create(
        (theme_link(partner_id=r.partner.pk, theme_id=t) for r in parsed for t in set(r.themes)),
        batch_size=1000,
    )
    neighbourhood_link.objects.bulk_create(
        (
            neighbourhood_link(partner_id=r.partner.pk, neighbourhood_id=n)
            for r in parsed
            for n in set(r.neighbourhoods)
        ),
        batch_size=1000,
    )
    VisitingWindow.objects.bulk_create(
        (
            VisitingWindow(
                partner_id=r.partner.pk,
                weekday=w.weekday,
                opens_at=w.opens_at,
                closes_at=w.closes_at,
            )
            for r in parsed
            for w in r.windows
        ),
        batch_size=1000,
    )
    return ImportResult(created=len(new), updated=len(old))


def partner_rows(partners: Iterable[Partner]) -> Iterable[list[str]]:
    """CSV rows (header first) for partners with themes, neighbourhoods and windows
    prefetched; `import_partners_csv` reads them back unchanged."""
    yield list(CSV_COLUMNS)
    for p in partners:
        row = []
        for name in PARTNER_FIELDS:
            value = getattr(p, name)
            if name == "is_active":
                value = "yes" if value else "no"
            row.append("" if value is None else str(value))
        row.append(";".join(sorted(t.slug for t in p.themes.all())))
        row.append(";".join(sorted(n.slug for n in p.neighbourhoods.all())))
        row.append(format_windows(p.visiting_windows.all()))
        yield row


def export_partners_csv(*, workspace: Workspace, out: io.TextIOBase) -> int:
    """Write the workspace's partners (active or not) as CSV; returns the number of rows."""
    partners = workspace.partners.order_by("name", "pk").prefetch_related(
        "themes", "neighbourhoods", "visiting_windows"
    )
    writer = csv.writer(out)
    count = -1
    for row in partner_rows(partners):
        writer.writerow(row)
        count += 1
    return count


def template_csv() -> str:
    """An empty import template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    example = {
        "name": "Buurthuis De Voorbeeld",
        "slug": "buurthuis-de-voorbeeld",
        "short_description": "Ontmoeting en activiteiten voor buurtbewoners.",
        "domain": Domain.WELFARE.value,
        "address": "Javaplein 1",
        "postcode": "1094 HW",
        "city": "Amsterdam",
        "latitude": "52.3625",
        "longitude": "4.939",
        "phone": "+31 20 123 4567",
        "referral_info": "Loop binnen tijdens het inloopspreekuur.",
        "is_active": "yes",
        "themes": "eenzaamheid;taal",
        "visiting_hours": "mon 09:00-12:00; wed 13:00-16:00",
    }
    writer.writerow([example.get(c, "") for c in CSV_COLUMNS])
    return out.getvalue()
