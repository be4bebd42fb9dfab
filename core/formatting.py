"""Dates as each language writes them.

Django's "M" gives a capitalised month abbreviation in every language ("Mrt", "Dec"), but
Dutch writes abbreviated months in lower case ("3 mrt 2027"); English keeps "Mar".
"""

import re

from django.utils import formats, translation

# "M" not preceded by a backslash (an escaped literal stays as it is).
_MONTH_ABBR = re.compile(r"(?<!\\)M")


def date_format_for_language(format_string: str, language: str | None = None) -> str:
    language = language or translation.get_language() or "nl"
    return _MONTH_ABBR.sub("b", format_string) if language.startswith("nl") else format_string


def abbr_date(value, format_string: str) -> str:
    """Like the date filter, with month abbreviations in the language's own case."""
    if value in (None, ""):
        return ""
    return formats.date_format(value, date_format_for_language(format_string))
