import copy
import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line

from core.models import Workspace
from network.models import Contact, Neighbourhood, Partner
from opendata.imports import HsdsImportError, import_document
from opendata.services import export_workspace
from tests.factories import (
    NeighbourhoodFactory,
    PartnerFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)


@pytest.fixture
def source(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Workspace.objects.get(slug="ros-amsterdam")


@pytest.fixture
def document(source):
    return export_workspace(workspace=source)


@pytest.fixture
def small(db):
    """Four partners built with factories: enough for the bad-input tests, fast to make."""
    workspace = WorkspaceFactory()
    hood = NeighbourhoodFactory(workspace=workspace, cbs_code="WK0363MA")
    for index in range(4):
        partner = PartnerFactory(workspace=workspace, neighbourhoods=[hood])
        VisitingWindowFactory(partner=partner, weekday=index)
    return export_workspace(workspace=workspace)


def test_import_document_round_trip_keeps_everything_including_ids(source, document):
    target = WorkspaceFactory(slug="regio-buren")

    report = import_document(workspace=target, data=json.dumps(document), dry_run=False)

    assert report.count("create") == len(document["services"])
    assert export_workspace(workspace=target) == document


def test_import_document_twice_updates_instead_of_duplicating(source, document):
    target = WorkspaceFactory()
    import_document(workspace=target, data=json.dumps(document), dry_run=False)
    partners = Partner.objects.filter(workspace=target).count()
    contacts = Contact.objects.filter(partner__workspace=target).count()

    report = import_document(workspace=target, data=json.dumps(document), dry_run=False)

    assert report.count("create") == 0
    assert report.count("update") == partners
    assert Partner.objects.filter(workspace=target).count() == partners
    assert Contact.objects.filter(partner__workspace=target).count() == contacts
    assert export_workspace(workspace=target) == document


def test_import_document_into_source_workspace_changes_nothing(source, document):
    report = import_document(workspace=source, data=json.dumps(document), dry_run=False)

    assert report.count("create") == 0
    assert export_workspace(workspace=source) == document


def test_import_document_dry_run_lists_changes_and_writes_nothing(source, document):
    target = WorkspaceFactory()

    neighbourhoods = Neighbourhood.objects.filter(workspace=source).count()

    report = import_document(workspace=target, data=json.dumps(document), dry_run=True)

    assert report.count("create") == len(document["services"])
    assert report.count("create", "neighbourhood") == neighbourhoods == 3
    assert not Partner.objects.filter(workspace=target).exists()
    assert not Neighbourhood.objects.filter(workspace=target).exists()


def _problems(workspace, data) -> list[str]:
    with pytest.raises(HsdsImportError) as caught:
        import_document(workspace=workspace, data=data, dry_run=False)
    assert not Partner.objects.filter(workspace=workspace).exists()
    return [str(p) for p in caught.value.problems]


@pytest.mark.django_db
def test_import_document_refuses_text_that_is_not_json():
    assert _problems(WorkspaceFactory(), "{nope") == [
        "$: Geen JSON: Expecting property name enclosed in double quotes (regel 1, kolom 2)."
    ]


@pytest.mark.django_db
def test_import_document_refuses_too_large_file(settings):
    settings.HSDS_IMPORT_MAX_BYTES = 10

    assert _problems(WorkspaceFactory(), '{"services": []}') == [
        "$: Het bestand is 16 bytes; de grens is 10 bytes."
    ]


def test_import_document_reports_every_schema_problem_with_path(small):
    bad = copy.deepcopy(small)
    bad["services"][1]["status"] = "open"
    bad["locations"][2]["location_type"] = "moon"
    del bad["organizations"][0]["name"]

    assert _problems(WorkspaceFactory(), json.dumps(bad)) == [
        "$.organizations[0]: 'name' is a required property",
        "$.services[1].status: 'open' is not one of "
        "['active', 'inactive', 'defunct', 'temporarily closed']",
        "$.locations[2].location_type: 'moon' is not one of ['physical', 'postal', 'virtual']",
    ]


def test_import_document_refuses_unknown_references(small):
    bad = copy.deepcopy(small)
    bad["services"][0]["organization_id"] = "9b0b9f0e-3c4c-4e7a-9a5e-0d5d6f3c2a10"
    bad["service_at_locations"][1]["location_id"] = "9b0b9f0e-3c4c-4e7a-9a5e-0d5d6f3c2a11"

    assert _problems(WorkspaceFactory(), json.dumps(bad)) == [
        "$.services[0].organization_id: Unknown organization 9b0b9f0e-3c4c-4e7a-9a5e-0d5d6f3c2a10.",
        "$.service_at_locations[1].location_id: "
        "Unknown location 9b0b9f0e-3c4c-4e7a-9a5e-0d5d6f3c2a11.",
    ]


def test_import_document_reports_bad_values_with_path_and_imports_nothing(small):
    bad = copy.deepcopy(small)
    bad["locations"][0]["addresses"][0]["postal_code"] = "ABC"
    bad["services"][3]["schedules"][0]["closes_at"] = "01:00"

    problems = _problems(WorkspaceFactory(), json.dumps(bad))

    assert problems == [
        "$.locations[0].addresses[0].postal_code: Vul een Nederlandse postcode in, zoals 1094 AB.",
        "$.services[3].schedules[0].closes_at: Een bezoekvenster moet sluiten nadat het opent.",
    ]


def test_import_hsds_command_imports_and_dry_runs(tmp_path, small, capsys):
    document = small
    target = WorkspaceFactory(slug="regio-buren")
    path = tmp_path / "hsds.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    call_command("import_hsds", str(path), "--workspace", "regio-buren", "--dry-run")
    dry = capsys.readouterr().out
    call_command("import_hsds", str(path), "--workspace", "regio-buren")
    real = capsys.readouterr().out

    count = len(document["services"])
    assert (
        dry.splitlines()[-1]
        == f"{count} partner(s) would be created, 0 would be updated in regio-buren."
    )
    assert (
        real.splitlines()[-1] == f"{count} partner(s) were created, 0 were updated in regio-buren."
    )
    assert Partner.objects.filter(workspace=target).count() == count


def test_import_hsds_command_exits_non_zero_with_problems(tmp_path, capsys, db):
    source = WorkspaceFactory()
    path = tmp_path / "bad.json"
    path.write_text('{"services": [{"id": "x"}]}', encoding="utf-8")

    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(
            ["manage.py", "import_hsds", str(path), "--workspace", source.slug]
        )

    assert caught.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}: $.services[0]: 'name' is a required property"
    assert err[-1] == "CommandError: 3 problem(s); nothing was imported."
