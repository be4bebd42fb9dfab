"""A crawl of the product's pages as each role sees them, and the checks every page must pass:
no English on a Dutch page (and no Dutch UI on an English one), no raw internals (constraint
names, Python dicts, JSON, "None", Django's "---------").

Used by the client crawl in tests/core/test_crawl.py and the browser crawl in
tests/core/test_crawl_browser.py, so both judge pages by the same rules.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.apps import apps
from django.utils import timezone

from accreditation.models import Certificate
from activities.models import Activity, Registration
from impact.models import Baseline, FollowUp, SignalRequest
from network.models import Neighbourhood, Partner
from opendata.models import ReviewRequest
from ratings.services import new_token

# Words and phrases of our own English UI that must never show on a Dutch page. Whole words,
# case-sensitive; content (partner names, descriptions) is Dutch in the demo data.
ENGLISH_UI = [
    "Save",
    "Cancel",
    "Search",
    "Themes",
    "Neighbourhood",
    "Neighbourhoods",
    "Select an option",
    "Submit",
    "Delete",
    "Edit",
    "Sign in",
    "Sign out",
    "Register",
    "Registration",
    "Attendees",
    "Waiting list",
    "Skip to content",
    "This field is required",
    "Manage",
    "Settings",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "seats",
    "stops",
    "minutes",
    "the",
    "and",
    "your",
    "you",
    "with",
]
# Our Dutch UI words that must never show on an English page.
DUTCH_UI = [
    "Opslaan",
    "Annuleren",
    "Zoeken",
    "Inloggen",
    "Uitloggen",
    "Bewerken",
    "Verwijderen",
    "Dit veld is verplicht",
    "Kies je",
    "Alle wijken",
    "Alle thema's",
    "plekken",
    "haltes",
    "Deelnemers",
    "Wachtlijst",
    "Beheer",
]
RAW_MARKERS = ["---------", "- Select an option -", "{'", '[{"', '{"', "Traceback", "Beperking "]
SKIPPED_PATHS = ("/admin/", "/api/", "/i18n/", "/accounts/logout", "/static/", "/media/")
SKIPPED_SUFFIXES = (".csv", ".gpx", ".ics", ".pdf", ".png", ".svg", ".json", ".xml")


def constraint_names() -> list[str]:
    return sorted(
        constraint.name
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if model.__module__.split(".")[0] not in ("django", "axes", "django_otp")
    )


class _VisibleText(HTMLParser):
    """Visible text and the attribute texts people read (labels for buttons, placeholders)."""

    HIDDEN = {"script", "style", "template", "noscript"}

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._open: list[str] = []
        self._page_language = ""

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "html":
            self._page_language = values.get("lang", "")
        # Text marked as another language (lang="en" inside a Dutch page: a registrant's own
        # words) is content, not our UI; it is skipped like a script.
        foreign = tag != "html" and values.get("lang") not in (None, self._page_language)
        # A field declared as a data exchange format (a GeoJSON boundary) holds that format.
        foreign = foreign or (tag == "textarea" and values.get("data-format") == "geojson")
        if tag not in self.VOID:
            self._open.append(tag if not (tag in self.HIDDEN or foreign) else "!" + tag)
        if tag in self.HIDDEN or foreign:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in ("placeholder", "aria-label", "title", "alt"):
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag) -> None:
        while self._open:
            opened = self._open.pop()
            if opened.startswith("!"):
                self._hidden -= 1
            if opened.lstrip("!") == tag:
                break

    def handle_data(self, data) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def read_page(html: str) -> tuple[str, list[str]]:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def _word(pattern: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(pattern) + r"(?![\w-])")


ENGLISH_PATTERNS = [(w, _word(w)) for w in ENGLISH_UI]
DUTCH_PATTERNS = [(w, _word(w)) for w in DUTCH_UI]


def problems_in(text: str, *, language: str, names: list[str]) -> list[str]:
    found = []
    patterns = ENGLISH_PATTERNS if language == "nl" else DUTCH_PATTERNS
    for word, pattern in patterns:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - 40)
            context = text[start : match.end() + 40].replace("\n", " | ")
            found.append(f"{'English' if language == 'nl' else 'Dutch'} {word!r}: …{context}…")
    for marker in RAW_MARKERS:
        if marker in text:
            index = text.index(marker)
            found.append(f"raw {marker!r}: …{text[max(0, index - 40) : index + 40]}…")
    if _word("None").search(text):
        found.append("raw 'None'")
    found += [f"constraint name {name!r}" for name in names if name in text]
    return found


def new_app_pages() -> list[str]:
    """Coordinator pages that a short crawl does not reach (one activity's accreditation, one
    partner's counts, an error page) and the public pages reached only by a token from a mail
    (made here: only hashes are stored). Needs the demo data."""
    now = timezone.now()
    activities = Activity.objects.filter(workspace__slug="ros-amsterdam")
    accredited = activities.filter(accreditations__isnull=False).order_by("pk").first()
    upcoming = (
        activities.filter(status=Activity.Status.PUBLISHED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    partner = Partner.objects.filter(workspace__slug="ros-amsterdam").order_by("slug").first()
    neighbourhood = Neighbourhood.objects.filter(workspace__slug="ros-amsterdam").first()
    pages = [
        f"/manage/activities/{accredited.pk}/accreditation/",
        f"/manage/activities/{accredited.pk}/presence/",
        f"/manage/activities/{upcoming.pk}/messages/",
        f"/manage/activities/{upcoming.pk}/cancel/",
        f"/manage/activities/{upcoming.pk}/changes/",
        "/manage/tours/rechecks/",
        "/manage/impact/",
        "/manage/impact/annual/",
        "/manage/impact/settings/",
        f"/manage/impact/partner/{partner.slug}/",
        f"/manage/neighbourhoods/{neighbourhood.slug}/coverage/",
        "/manage/open-data/",
        "/manage/open-data/import/",
        "/refer/",
        "/refer/embed/ros-amsterdam/",
        "/this-page-does-not-exist/",
    ]
    registration = Registration.objects.filter(activity=upcoming).order_by("pk").first()
    token, token_hash = new_token()
    Baseline.objects.create(
        registration=registration,
        activity=upcoming,
        token_hash=token_hash,
        expires_at=upcoming.starts_at,
    )
    pages.append(f"/impact/baseline/{token}/")
    attended = (
        Registration.objects.filter(
            activity__in=activities.filter(kind=Activity.Kind.TOUR, ends_at__lt=now),
            status=Registration.Status.ATTENDED,
        )
        .exclude(impact_followups__wave=2)
        .order_by("pk")
        .first()
    )
    token, token_hash = new_token()
    FollowUp.objects.create(
        registration=attended,
        activity=attended.activity,
        wave=2,
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + dt.timedelta(days=21),
    )
    pages.append(f"/impact/followup/{token}/")
    token, token_hash = new_token()
    SignalRequest.objects.create(
        partner=partner,
        month=dt.date(2020, 1, 1),
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + dt.timedelta(days=14),
    )
    pages.append(f"/impact/partner-count/{token}/")
    token, token_hash = new_token()
    ReviewRequest.objects.create(
        partner=partner, token_hash=token_hash, sent_at=now, expires_at=now + dt.timedelta(days=14)
    )
    pages.append(f"/partners/review/{token}/")
    pages.append(f"/certificates/{Certificate.objects.order_by('pk').first().code}/")
    return pages


def should_visit(href: str) -> bool:
    if not href.startswith("/") or href.startswith("//"):
        return False
    path = urlsplit(href).path
    return not path.startswith(SKIPPED_PATHS) and not path.endswith(SKIPPED_SUFFIXES)


def page_kind(url: str) -> tuple[str, str]:
    """Pages of one kind: the same path with other ids, or the same depth under one section
    (/partners/<slug>/). Filter links and long lists would otherwise multiply the crawl."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    section = segments[:2] if segments[:1] == ["manage"] else segments[:1]
    return re.sub(r"\d+", "N", path), f"{section}{len(segments)}"


def crawl(
    fetch: Callable[[str], tuple[int, str, str]], start: list[str], *, limit: int = 120
) -> Iterator[tuple[str, int, str]]:
    """Breadth-first over internal links. `fetch(url)` gives (status, content type, body).
    At most two pages of a kind by path and three by section and depth; the start pages are
    always visited (the caller named them)."""
    queue, seen, by_path, by_section = list(start), set(), {}, {}
    named = set(start)
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or not should_visit(url):
            continue
        path_key, section_key = page_kind(url)
        full = by_path.get(path_key, 0) >= 2 or by_section.get(section_key, 0) >= 3
        if full and url not in named:
            continue
        by_path[path_key] = by_path.get(path_key, 0) + 1
        by_section[section_key] = by_section.get(section_key, 0) + 1
        seen.add(url)
        status, content_type, body = fetch(url)
        if "html" not in content_type:
            continue
        yield url, status, body
        for href in read_page(body)[1]:
            if should_visit(href) and href not in seen:
                queue.append(href)
