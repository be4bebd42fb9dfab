"""The Dutch continuing-education registries (pure: no models, no request).

Which registries exist, the format of each one's personal number, which professions report to
it, where presence is submitted and the default deadlines. Numbers are strings: a registry
number is an identifier, and leading zeros matter (a spreadsheet that reads 01234 as 1234 has
lost the number).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.vocab import Profession


class Registry(models.TextChoices):
    BIG = "big", _("BIG register")
    VV = "vv", _("Kwaliteitsregister V&V")
    REGISTERPLEIN = "registerplein", _("Registerplein")
    NVVPO = "nvvpo", _("NVvPO")
    LV_POH_GGZ = "lv_poh_ggz", _("LV POH-GGZ")
    SKJ = "skj", _("SKJ")


@dataclass(frozen=True)
class RegistryRule:
    """One registry: its number's shape, who it is for, and its deadlines."""

    pattern: re.Pattern[str]
    number_label: object  # lazy text: the field's label
    format_hint: object  # lazy text: what a valid number looks like
    professions: frozenset[str]
    portal: str  # where presence is submitted
    # Defaults; an accreditation may set its own dates. Application due this many days before
    # the activity; presence due this many days after it.
    application_days_before: int
    presence_days_after: int


NURSES = {
    Profession.DISTRICT_NURSE,
    Profession.YOUTH_NURSE,
    Profession.POH_SOMATIC,
    Profession.POH_MENTAL,
}
SOCIAL = {
    Profession.SOCIAL_WORKER,
    Profession.WMO_CONSULTANT,
    Profession.NEIGHBOURHOOD_TEAM,
    Profession.DEBT_COUNSELLOR,
    Profession.YOUTH_WORKER,
    Profession.CARER_CONSULTANT,
    Profession.ELDERLY_ADVISER,
    Profession.SOCIAL_BROKER,
    Profession.CLIENT_SUPPORT,
}

RULES: dict[str, RegistryRule] = {
    Registry.BIG: RegistryRule(
        pattern=re.compile(r"\d{11}"),
        number_label=_("BIG number"),
        format_hint=_("11 digits"),
        professions=frozenset(
            {
                Profession.GP,
                *NURSES,
                Profession.PHYSIOTHERAPIST,
                Profession.PHARMACIST,
                Profession.MIDWIFE,
            }
        ),
        portal="GAIA",
        application_days_before=42,
        presence_days_after=42,
    ),
    Registry.VV: RegistryRule(
        # The relatienummer, or the BIG number that V&V also accepts.
        pattern=re.compile(r"\d{6}|\d{11}"),
        number_label=_("Kwaliteitsregister V&V number"),
        format_hint=_("6-digit relatienummer, or your 11-digit BIG number"),
        professions=frozenset(NURSES),
        portal="PE-online",
        application_days_before=42,
        presence_days_after=14,
    ),
    Registry.REGISTERPLEIN: RegistryRule(
        pattern=re.compile(r"4610\d{5}"),
        number_label=_("Registerplein number"),
        format_hint=_("9 digits starting with 4610"),
        professions=frozenset(SOCIAL),
        portal="PE-online",
        application_days_before=56,
        presence_days_after=28,
    ),
    Registry.NVVPO: RegistryRule(
        pattern=re.compile(r"\d{3,4}"),
        number_label=_("NVvPO number"),
        format_hint=_("3 or 4 digits"),
        professions=frozenset({Profession.POH_SOMATIC}),
        portal="PE-online",
        application_days_before=42,
        presence_days_after=28,
    ),
    Registry.LV_POH_GGZ: RegistryRule(
        # Assumption (no public specification found): a number of 3 to 6 digits.
        pattern=re.compile(r"\d{3,6}"),
        number_label=_("LV POH-GGZ registration number"),
        format_hint=_("3 to 6 digits"),
        professions=frozenset({Profession.POH_MENTAL}),
        portal="PE-online",
        application_days_before=56,
        presence_days_after=28,
    ),
    Registry.SKJ: RegistryRule(
        # Assumption (no public specification found): a number of 6 to 9 digits.
        pattern=re.compile(r"\d{6,9}"),
        number_label=_("SKJ registration number"),
        format_hint=_("6 to 9 digits"),
        professions=frozenset(
            {Profession.SOCIAL_WORKER, Profession.NEIGHBOURHOOD_TEAM, Profession.YOUTH_WORKER}
        ),
        portal="PE-online",
        application_days_before=56,
        presence_days_after=42,
    ),
}

# Separators people type inside a number; none of them is part of it.
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_number(value: str) -> str:
    """Strip spaces, dots and hyphens; keep every digit, leading zeros included."""
    return _SEPARATORS.sub("", value or "")


def validate_number(*, registry: str, value: str) -> str:
    """The normalised number, or ValidationError with a message that says what is expected."""
    rule = RULES[registry]
    number = normalise_number(value)
    if not rule.pattern.fullmatch(number):
        raise ValidationError(
            _("A %(label)s has %(format)s; “%(value)s” does not.")
            % {"label": rule.number_label, "format": rule.format_hint, "value": value.strip()},
            code="format",
        )
    return number


def fits(*, registry: str, profession: str) -> bool:
    """Whether someone of this profession reports to this registry. "Other" may report to any:
    we cannot tell which registry a profession we do not list belongs to."""
    return profession == Profession.OTHER or profession in RULES[registry].professions


def registries_for(*, profession: str) -> list[str]:
    return [code for code in Registry.values if fits(registry=code, profession=profession)]


def application_due(*, registry: str, starts_on: dt.date) -> dt.date:
    return starts_on - dt.timedelta(days=RULES[registry].application_days_before)


def presence_due(*, registry: str, ends_on: dt.date) -> dt.date:
    return ends_on + dt.timedelta(days=RULES[registry].presence_days_after)


TUSSENVOEGSELS = {"van", "de", "der", "den", "het", "ten", "ter", "te", "in", "'t", "t", "op"}


def split_name(name: str) -> tuple[str, str]:
    """(initials, surname) for a presence list, from a full name as people type it: "Anna
    Maria de Vries" → ("A.M.", "de Vries"). The surname starts at the first tussenvoegsel,
    else it is the last word."""
    words = name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    start = len(words) - 1
    for index, word in enumerate(words[1:], start=1):
        if word.lower() in TUSSENVOEGSELS:
            start = index
            break
    initials = "".join(f"{word[0].upper()}." for word in words[:start])
    return initials, " ".join(words[start:])
