"""A copied tour's title follows its new date: "Wijktour 12 maart" copied to 9 april becomes
"Wijktour 9 april", not a title that names the old date. Pure: no request, no database."""

import datetime as dt

from django.utils import formats, translation

# How people write a date in a title, most specific first, in both languages.
FORMATS = ("j F Y", "j F", "d-m-Y", "j-n-Y", "d-m", "j-n", "Y-m-d", "F j, Y", "F j")


def _spellings(day: dt.date) -> list[tuple[str, str, str]]:
    found = []
    for language in ("nl", "en"):
        with translation.override(language):
            for pattern in FORMATS:
                text = formats.date_format(day, pattern)
                found.append((language, pattern, text))
                if language == "nl" and "F" in pattern:
                    found.append((language, pattern, text.capitalize()))
    return found


def retitle_for_date(title: str, *, old: dt.date, new: dt.date) -> str:
    for language, pattern, text in _spellings(old):
        if text in title:
            with translation.override(language):
                replacement = formats.date_format(new, pattern)
            if text[:1].isupper():
                replacement = replacement[:1].upper() + replacement[1:]
            return title.replace(text, replacement)
    return title
