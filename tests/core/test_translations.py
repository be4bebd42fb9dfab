"""Dutch first, English available, one register: the catalogues and the mails."""

import re

import pytest
from django.utils import translation

from activities import tasks
from activities.models import Registration
from tests.core import i18n_scan
from tests.core.crawl import problems_in
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, StopFactory, TourFactory

# "u"/"uw" as words; "%(hours)s u %(minutes)s min" is "uur", not the formal "you".
FORMAL = re.compile(r"(?<![\w%)])([Uu]w?|[Uu]zelf)(?!\w)")


def test_dutch_catalogues_have_no_empty_or_fuzzy_entries():
    problems = [
        f"{path.relative_to(i18n_scan.ROOT)}: {entry['msgid']!r}"
        for path in i18n_scan.po_files()
        for entry in i18n_scan.po_entries(path)
        if entry["msgid"] and (not all(entry["msgstr"]) or "fuzzy" in entry["flags"])
    ]

    assert problems == []


def test_every_template_string_has_a_dutch_translation():
    catalog = i18n_scan.dutch_catalog()
    missing = [
        f"{path.relative_to(i18n_scan.ROOT)}: {msgid!r}"
        for path in i18n_scan.template_files()
        for msgid in sorted(i18n_scan.template_msgids(path))
        if msgid not in catalog
    ]

    assert missing == []


def test_every_python_string_has_a_dutch_translation():
    catalog = i18n_scan.dutch_catalog()
    missing = [
        f"{path.relative_to(i18n_scan.ROOT)}: {msgid!r}"
        for path in i18n_scan.python_files()
        for msgid in sorted(i18n_scan.python_msgids(path))
        if msgid not in catalog
    ]

    assert missing == []


def test_dutch_speaks_to_people_as_je_never_u():
    formal = [
        f"{path.relative_to(i18n_scan.ROOT)}: {text!r}"
        for path in i18n_scan.po_files()
        for entry in i18n_scan.po_entries(path)
        for text in entry["msgstr"]
        if FORMAL.search(text.replace(")s u ", ")s uur "))
    ]

    assert formal == []


def _mails(language: str) -> list[tuple[str, str]]:
    tour = TourFactory(what_to_bring="Regenjas")
    StopFactory(tour=tour)
    session = KnowledgeSessionFactory(programme="Inloop", speakers="Mieke")
    mails = []
    with translation.override(language):
        for activity in (tour, session):
            for kind, status, reason in (
                ("confirmation", Registration.Status.CONFIRMED, ""),
                ("waitlisted", Registration.Status.WAITLISTED, "Vol"),
                ("promoted", Registration.Status.CONFIRMED, ""),
                ("existing", Registration.Status.CONFIRMED, ""),
                ("cancelled", Registration.Status.CANCELLED, ""),
                ("reminder", Registration.Status.CONFIRMED, ""),
                ("changed", Registration.Status.CONFIRMED, ""),
            ):
                registration = RegistrationFactory(
                    activity=activity,
                    status=status,
                    waitlist_reason=reason,
                    language=language,
                    bike_need="own" if activity is tour else "",
                )
                message = tasks.compose(registration=registration, kind=kind)
                mails.append((f"{activity.kind}/{kind}", f"{message.subject}\n{message.body}"))
    return mails


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_registration_mails_speak_one_language(language):
    problems = [
        f"{name}: {problem}"
        for name, text in _mails(language)
        for problem in problems_in(text, language=language, names=[])
    ]

    assert problems == []


# One English word, two meanings (a contact's job title, an invitation's access level).
SAME_WORD_TWO_MEANINGS = {"role"}


def test_one_msgid_has_one_dutch_translation_across_the_catalogues():
    translations: dict[str, set] = {}
    for path in i18n_scan.po_files():
        for entry in i18n_scan.po_entries(path):
            if entry["msgid"] and entry["msgid"] not in SAME_WORD_TWO_MEANINGS:
                translations.setdefault(entry["msgid"], set()).add(tuple(entry["msgstr"]))

    # Catalogues are merged at run time: two translations means one of them is never shown.
    assert {msgid: found for msgid, found in translations.items() if len(found) > 1} == {}
