import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Workspace
from opendata import hsds
from opendata.services import export_workspace
from tests.factories import (
    ContactFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)
from tests.opendata.schemas import FIXTURES, problems


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_export_workspace_demo_data_passes_official_schemas_without_errors():
    seed()

    for workspace in Workspace.objects.filter(slug__in=["ros-amsterdam", "ros-rotterdam"]):
        document = export_workspace(workspace=workspace)

        assert len(document["services"]) >= 5
        assert [str(p) for p in problems(document)] == []


@pytest.mark.django_db
def test_export_workspace_gives_every_record_a_stable_uuid():
    seed()
    workspace = Workspace.objects.get(slug="ros-amsterdam")

    first = export_workspace(workspace=workspace)
    second = export_workspace(workspace=workspace)

    assert first == second
    partner = workspace.partners.filter(is_active=True).order_by("name", "pk").first()
    assert first["organizations"][0]["id"] == str(
        uuid.uuid5(hsds.workspace_namespace("ros-amsterdam"), f"organization:{partner.pk}")
    )


@pytest.fixture
def partner():
    workspace = WorkspaceFactory(slug="ws-export")
    hood = NeighbourhoodFactory(workspace=workspace, name="Indische Buurt", cbs_code="WK0363MA")
    partner = PartnerFactory(
        workspace=workspace,
        name="Buurthuis Meevaart",
        postcode="1094 HW",
        phone="+31 20 123 4567",
        email="info@meevaart.example.org",
        website="https://meevaart.example.org",
        kvk_number="12345678",
        assured_date=dt.date(2026, 6, 1),
        neighbourhoods=[hood],
        themes=[ThemeFactory(slug="taal", name="Taal")],
    )
    VisitingWindowFactory(partner=partner, weekday=2, opens_at=dt.time(9), closes_at=dt.time(12))
    ContactFactory(partner=partner, name="Receptie", is_public=True, email="balie@example.org")
    ContactFactory(partner=partner, name="Geheime Naam", is_public=False)
    return partner


@pytest.mark.django_db
def test_export_workspace_maps_partner_onto_hsds(partner):
    document = export_workspace(workspace=partner.workspace)

    [organization] = document["organizations"]
    [service] = document["services"]
    [location] = document["locations"]
    [link] = document["service_at_locations"]
    assert problems(document) == []
    assert organization["organization_identifiers"][0]["identifier"] == "12345678"
    assert organization["organization_identifiers"][0]["identifier_scheme"] == "NL-KVK"
    assert [c["name"] for c in organization["contacts"]] == ["Receptie"]
    assert "Geheime Naam" not in json.dumps(document)
    assert service["assured_date"] == "2026-06-01"
    assert service["service_areas"][0]["extent"] == "WK0363MA"
    assert {k: service["schedules"][0][k] for k in ("freq", "byday", "opens_at", "closes_at")} == {
        "freq": "WEEKLY",
        "byday": "WE",
        "opens_at": "09:00",
        "closes_at": "12:00",
    }
    assert location["location_type"] == "physical"
    assert location["addresses"][0]["state_province"] == "Noord-Holland"
    assert location["addresses"][0]["country"] == "NL"
    assert link == {"id": link["id"], "service_id": service["id"], "location_id": location["id"]}
    term_ids = {t["id"] for t in document["taxonomy_terms"]}
    assert {a["taxonomy_term_id"] for a in service["attributes"]} <= term_ids
    assert len(document["taxonomies"]) == 2


@pytest.mark.django_db
def test_export_workspace_leaves_inactive_partners_out(partner):
    PartnerFactory(workspace=partner.workspace, is_active=False)

    document = export_workspace(workspace=partner.workspace)

    assert [o["name"] for o in document["organizations"]] == ["Buurthuis Meevaart"]


@pytest.mark.django_db
def test_export_workspace_query_count_does_not_grow_with_partners(partner):
    with CaptureQueriesContext(connection) as few:
        export_workspace(workspace=partner.workspace)
    for _ in range(5):
        extra = PartnerFactory(workspace=partner.workspace, themes=[ThemeFactory()])
        VisitingWindowFactory(partner=extra)
        ContactFactory(partner=extra, is_public=True)

    with CaptureQueriesContext(connection) as many:
        export_workspace(workspace=partner.workspace)

    assert len(many) == len(few)


def test_vendored_schemas_are_identical_in_fixtures_and_runtime_copy():
    from opendata.validation import SCHEMA_DIR

    names = sorted(p.name for p in FIXTURES.glob("*.json"))
    assert names == sorted(p.name for p in SCHEMA_DIR.glob("*.json"))
    assert len(names) == 22
    for name in names:
        assert (FIXTURES / name).read_bytes() == (SCHEMA_DIR / name).read_bytes()


def test_schema_validation_reports_json_path_for_bad_record():
    document = {"services": [{"id": "not-a-uuid", "name": "X", "status": "open"}]}

    assert sorted(str(p) for p in problems(document)) == [
        "$.services[0].id: 'not-a-uuid' is not a 'uuid'",
        "$.services[0].status: 'open' is not one of "
        "['active', 'inactive', 'defunct', 'temporarily closed']",
    ]
