import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Workspace
from network.models import Partner
from opendata.services import export_workspace
from tests.factories import (
    ContactFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)
from tests.opendata.schemas import record_errors

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Workspace.objects.get(slug="ros-amsterdam")


def _valid(records: list[dict], schema_name: str) -> list[str]:
    errors = []
    for index, record in enumerate(records):
        errors += record_errors(record, schema_name, path=f"$.contents[{index}]")
    return errors


def test_hsds_root_names_version_and_profile(client, db):
    response = client.get("/api/hsds/")

    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert response.json()["profile"].startswith("https://")
    assert response.json()["openapi_url"] == "http://testserver/api/schema/"


def test_hsds_services_pages_validate_against_official_schema(client, demo):
    total = demo.partners.filter(is_active=True).count()
    all_total = Partner.objects.filter(is_active=True).count()

    first = client.get("/api/hsds/services", {"per_page": 3}).json()
    full = client.get("/api/hsds/services", {"per_page": 200, "full": "true"}).json()

    assert set(first) == PAGE_KEYS
    assert first["total_items"] == all_total
    assert first["size"] == 3
    assert first["first_page"] is True
    assert first["last_page"] is False
    assert first["total_pages"] == -(-all_total // 3)
    assert _valid(full["contents"], "service.json") == []
    assert full["last_page"] is True
    assert total > 0


def test_hsds_every_endpoint_answer_validates(client, demo):
    document = export_workspace(workspace=demo)
    service = document["services"][0]
    organization = document["organizations"][0]
    link = document["service_at_locations"][0]
    term = document["taxonomy_terms"][0]
    taxonomy = document["taxonomies"][0]

    checks = [
        ("/api/hsds/services/" + service["id"], "service.json"),
        ("/api/hsds/organizations/" + organization["id"], "organization.json"),
        ("/api/hsds/service_at_locations/" + link["id"], "service_at_location.json"),
        ("/api/hsds/taxonomies/" + taxonomy["id"], "taxonomy.json"),
        ("/api/hsds/taxonomy_terms/" + term["id"], "taxonomy_term.json"),
    ]
    for url, schema_name in checks:
        response = client.get(url)
        assert response.status_code == 200, url
        assert record_errors(response.json(), schema_name) == [], url
    lists = [
        ("/api/hsds/organizations?full=true", "organization.json"),
        ("/api/hsds/organizations", "organization.json"),
        ("/api/hsds/service_at_locations?full=true", "service_at_location.json"),
        ("/api/hsds/taxonomies", "taxonomy.json"),
        ("/api/hsds/taxonomy_terms", "taxonomy_term.json"),
    ]
    for url, schema_name in lists:
        body = client.get(url).json()
        assert body["total_items"] > 0, url
        assert _valid(body["contents"], schema_name) == [], url
    nested = client.get("/api/hsds/services/" + service["id"]).json()
    assert nested["organization"]["id"] == service["organization_id"]
    assert nested["service_at_locations"][0]["location"]["location_type"] == "physical"
    assert nested == {**service, **{k: nested[k] for k in ("organization", "service_at_locations")}}


def test_hsds_detail_unknown_id_is_404_json(client, db):
    for url in (
        "/api/hsds/services/not-a-uuid",
        "/api/hsds/services/9b0b9f0e-3c4c-4e7a-9a5e-0d5d6f3c2a10",
        "/api/hsds/organizations/x",
        "/api/hsds/taxonomy_terms/x",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "-5"}, "per_page"),
        ({"per_page": "100000"}, "per_page"),
        ({"modified_after": "gisteren"}, "modified_after"),
        ({"modified_after": "2026-13-45"}, "modified_after"),
        ({"search": "a\x00b"}, "search"),
    ],
)
def test_hsds_services_bad_parameter_is_400_json(client, db, query, field):
    response = client.get("/api/hsds/services", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_hsds_services_ignores_unknown_parameters_and_pages_past_the_end(client, db):
    PartnerFactory()

    response = client.get("/api/hsds/services", {"colour": "blue", "page": 7})

    assert response.status_code == 200
    assert response.json()["contents"] == []
    assert response.json()["total_items"] == 1
    assert response.json()["last_page"] is True


@pytest.mark.django_db
def test_hsds_services_filters_by_neighbourhood_theme_and_term(client):
    workspace = WorkspaceFactory()
    hood = NeighbourhoodFactory(workspace=workspace, slug="ib", cbs_code="WK0363MA")
    taal = ThemeFactory(slug="taal")
    inside = PartnerFactory(workspace=workspace, neighbourhoods=[hood], themes=[taal])
    PartnerFactory(workspace=workspace, themes=[ThemeFactory(slug="sport")])
    PartnerFactory(workspace=workspace, is_active=False, neighbourhoods=[hood])
    term_id = next(
        t["id"] for t in export_workspace(workspace=workspace)["taxonomy_terms"]
        if t["code"] == "taal"
    )  # fmt: skip

    def names(query):
        return [s["name"] for s in client.get("/api/hsds/services", query).json()["contents"]]

    assert names({"neighbourhood": "ib"}) == [inside.name]
    assert names({"neighbourhood": "WK0363MA"}) == [inside.name]
    assert names({"theme": "taal"}) == [inside.name]
    assert names({"taxonomy_term_id": term_id}) == [inside.name]
    assert names({"taxonomy_term_id": "nonsense"}) == []
    assert names({"search": inside.name}) == [inside.name]


@pytest.mark.django_db
def test_hsds_never_publishes_private_contacts(client):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Geheime Naam")
    ContactFactory(partner=partner, name="Balie", is_public=True)

    body = client.get("/api/hsds/organizations?full=true").content.decode()

    assert "Geheime Naam" not in body
    assert "Balie" in body


def _add_partners(count: int) -> None:
    workspace = WorkspaceFactory()
    hood = NeighbourhoodFactory(workspace=workspace)
    for _ in range(count):
        partner = PartnerFactory(
            workspace=workspace, neighbourhoods=[hood], themes=[ThemeFactory()]
        )
        VisitingWindowFactory(partner=partner)
        ContactFactory(partner=partner, is_public=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services",
        "/api/hsds/services?full=true",
        "/api/hsds/organizations",
        "/api/hsds/organizations?full_service=true",
        "/api/hsds/service_at_locations?full=true",
        "/api/hsds/taxonomies",
        "/api/hsds/taxonomy_terms",
    ],
)
def test_hsds_list_query_count_does_not_grow_with_partners(client, url):
    _add_partners(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_partners(8)

    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(few)


def test_hsds_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert paths["/api/hsds/services/"]["get"]["operationId"] == "getPaginatedListOfServices"
    assert "/api/hsds/organizations/{hsds_id}/" in paths
