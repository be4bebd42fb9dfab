"""CSV files people open in a spreadsheet, in the reader's language.

Dutch Excel expects a semicolon between cells and a decimal comma; English Excel a comma and a
decimal point. Headers and code values are words in the reader's language (callers pass labels,
never field names or stored codes). Every free-text cell is defused: a leading =, +, - or @
would run as a formula.
"""

import csv
import datetime as dt

from django.http import HttpResponse
from django.utils import timezone, translation

FORMULA_STARTS = ("=", "+", "-", "@")


def is_dutch(language: str | None = None) -> bool:
    return (language or translation.get_language() or "nl").startswith("nl")


def delimiter(*, language: str | None = None) -> str:
    return ";" if is_dutch(language) else ","


def safe_cell(text: object) -> str:
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def format_decimal(value: float | None, *, places: int = 2, language: str | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if is_dutch(language) else text


def format_number(value: float | None, *, language: str | None = None) -> str:
    """A number without trailing zeros (a median of 8 is "8", of 7.5 is "7,5" in Dutch)."""
    if value is None:
        return ""
    text = f"{value:g}"
    return text.replace(".", ",") if is_dutch(language) else text


def format_moment(value: dt.datetime | None, *, language: str | None = None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return local.strftime("%d-%m-%Y %H:%M" if is_dutch(language) else "%Y-%m-%d %H:%M")


def format_day(value: dt.date | dt.datetime, *, language: str | None = None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d-%m-%Y" if is_dutch(language) else "%Y-%m-%d")


def csv_writer(out, *, language: str | None = None):
    return csv.writer(out, delimiter=delimiter(language=language))


def csv_response(*, filename: str, language: str | None = None):
    """An attachment response and a writer on it. The byte-order mark makes Excel read UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv_writer(response, language=language)
