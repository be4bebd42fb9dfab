import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from activities.models import Registration
from privacy.models import AuditEntry
from tests.factories import (
    KnowledgeSessionFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    StopFactory,
    TourFactory,
)

ROOT = Path(__file__).resolve().parents[2]


class ResourceParser(HTMLParser):
    """Collects every URL a browser would fetch by itself: src, stylesheets and icons,
    url() in styles, and absolute URLs inside scripts (folium's tile layer)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("src", "srcset", "poster", "data"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "link" and values.get("href") and values.get("rel") != "alternate":
            self.urls.append(values["href"])
        if values.get("style"):
            self.urls += re.findall(r"url\(['\"]?([^'\")]+)", values["style"])
        self.in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            # Links in map attributions (href=...) are followed only on a click: not fetched.
            self.urls += re.findall(r"(?<!href=\\\")(?<!href=\")https?://[^\s'\"`)\\]+", data)
            self.urls += re.findall(r"url\(['\"]?([^'\")]+)", data)


def outside_hosts(html: str) -> set[str]:
    parser = ResourceParser()
    parser.feed(html)
    return {urlsplit(url).hostname for url in parser.urls if urlsplit(url).hostname}


def tile_host() -> str:
    return urlsplit(settings.MAP_TILE_URL.replace("{s}", "a")).hostname


@pytest.mark.django_db
def test_main_pages_fetch_nothing_but_map_tiles_from_outside(client):
    neighbourhood = NeighbourhoodFactory(slug="transvaal")
    partner = PartnerFactory(
        workspace=neighbourhood.workspace, slug="de-meeuw", website="https://meeuw.example.org"
    )
    partner.neighbourhoods.add(neighbourhood)
    tour = TourFactory(workspace=neighbourhood.workspace, neighbourhood=neighbourhood)
    StopFactory(tour=tour, partner=partner)
    session = KnowledgeSessionFactory(
        workspace=neighbourhood.workspace, neighbourhood=neighbourhood, venue_partner=partner
    )
    pages = ["/", "/neighbourhoods/transvaal/", "/partners/de-meeuw/", f"/tours/{tour.pk}/"]
    pages.append(f"/sessions/{session.pk}/")

    hosts = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        hosts[url] = outside_hosts(response.content.decode()) - {"testserver"}

    assert {url: found - {tile_host()} for url, found in hosts.items()} == {
        url: set() for url in pages
    }
    assert hosts["/neighbourhoods/transvaal/"] == {tile_host()}


def test_stylesheets_and_scripts_import_nothing_from_outside():
    offenders = []
    for path in [*(ROOT / "static" / "css").glob("*.css"), *(ROOT / "static" / "js").glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"@import\s+(url\()?['\"]?https?://|url\(['\"]?https?://", text):
            offenders.append(path.name)
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_privacy_notice_names_every_registration_field(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get("/privacy/").content.decode()

    terms = {
        "nl": [
            "Naam",
            "E-mailadres",
            "Organisatie",
            "Beroep",
            "Telefoonnummer",
            "Fietsbehoefte",
            "toegankelijkheid of dieet",
            "Taal",
            "Beoordeling",
            "Contactpersonen",
            tile_host(),
        ],
        "en": [
            "Name",
            "E-mail address",
            "Organisation",
            "Profession",
            "Phone number",
            "Bicycle need",
            "Accessibility or dietary notes",
            "Language",
            "Rating",
            "Contact persons",
            tile_host(),
        ],
    }[language]
    assert [term for term in terms if term not in body] == []


@pytest.mark.django_db
def test_registration_form_asks_only_documented_fields():
    documented = {"name", "email", "organisation", "profession", "phone", "bike_need", "notes"}
    from activities.forms import RegistrationForm

    assert set(RegistrationForm.base_fields) - {"consent", "website"} <= documented


@pytest.mark.django_db
def test_privacy_page_exports_and_erases_within_own_workspaces(client, world_a, world_b):
    # Anna registered in both workspaces with the same address.
    from tests.factories import RegistrationFactory

    email = world_a.registration.email
    RegistrationFactory(activity=world_b.tour, email=email, name="Anna B")
    client.force_login(world_a.coordinator)

    lookup = client.get("/manage/privacy/", {"email": email.upper()})
    exported = client.get("/manage/privacy/export.json", {"email": email})
    csv_export = client.get("/manage/privacy/export.csv", {"email": email})
    erased = client.post("/manage/privacy/erase/", {"email": email, "confirm": "on"})

    assert lookup.status_code == 200
    assert [r["activity_title"] for r in json.loads(exported.content)["registrations"]] == [
        "Tour Ameland"
    ]
    assert exported["Content-Disposition"] == 'attachment; filename="person-export.json"'
    assert csv_export.content.decode().count(email) == 1
    assert erased.status_code == 302
    assert list(
        Registration.objects.filter(email=email).values_list("activity__title", flat=True)
    ) == ["Tour Texel"]
    entry = AuditEntry.objects.get(action="person_erased")
    assert (entry.workspace, entry.actor) == (world_a.workspace, world_a.coordinator)
    assert email not in entry.summary


@pytest.mark.django_db
def test_erase_without_confirmation_changes_nothing(client, world_a):
    client.force_login(world_a.coordinator)

    response = client.post("/manage/privacy/erase/", {"email": world_a.registration.email})

    assert response.status_code == 400
    assert Registration.objects.filter(email=world_a.registration.email).count() == 1


@pytest.mark.django_db
def test_export_with_a_bad_address_is_a_form_error(client, world_a):
    client.force_login(world_a.coordinator)

    response = client.get("/manage/privacy/export.json", {"email": "nope"})

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
