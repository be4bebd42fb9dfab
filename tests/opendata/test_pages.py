import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import Partner
from opendata.services import export_workspace
from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    UserFactory,
    WorkspaceFactory,
)


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def hsds_file(db):
    workspace = WorkspaceFactory()
    hood = NeighbourhoodFactory(workspace=workspace)
    for _ in range(3):
        PartnerFactory(workspace=workspace, neighbourhoods=[hood])
    return json.dumps(export_workspace(workspace=workspace)).encode()


def _upload(client, data: bytes, **extra):
    return client.post(
        "/manage/open-data/import/",
        {"file": SimpleUploadedFile("hsds.json", data, "application/json"), **extra},
    )


def test_import_page_dry_run_lists_plan_and_writes_nothing(client, coordinator, hsds_file):
    client.force_login(coordinator)
    workspace = coordinator.memberships.get().workspace

    response = _upload(client, hsds_file, workspace=workspace.pk, dry_run="on")

    assert response.status_code == 200
    assert response.content.decode().count("<td>aanmaken</td><td>partner</td>") == 3
    assert not Partner.objects.filter(workspace=workspace).exists()


def test_import_page_imports_and_redirects(client, coordinator, hsds_file):
    client.force_login(coordinator)
    workspace = coordinator.memberships.get().workspace

    response = _upload(client, hsds_file, workspace=workspace.pk)

    assert response.status_code == 302
    assert Partner.objects.filter(workspace=workspace).count() == 3


def test_import_page_shows_problems_with_json_path(client, coordinator):
    client.force_login(coordinator)
    workspace = coordinator.memberships.get().workspace

    response = _upload(client, b'{"services": [{"id": "x", "name": "A", "status": "active"}]}',
                       workspace=workspace.pk)  # fmt: skip

    body = response.content.decode()
    assert response.status_code == 200
    assert "<code>$.services[0].id</code>" in body
    assert "Er is niets geïmporteerd: 1 problemen in het bestand." in body


def test_open_data_pages_are_for_coordinators_only(client, db):
    client.force_login(UserFactory())

    assert client.get("/manage/open-data/").status_code == 403
    assert client.get("/manage/open-data/import/").status_code == 403
    assert client.get("/manage/partners/export-hsds.json").status_code == 403


def test_export_download_is_hsds_document(client, coordinator):
    client.force_login(coordinator)
    PartnerFactory(workspace=coordinator.memberships.get().workspace)

    response = client.get("/manage/partners/export-hsds.json")

    assert response["Content-Disposition"].startswith('attachment; filename="hsds-')
    assert json.loads(response.content)["version"] == "3.0"


def test_overview_lists_stale_entries_with_constant_queries(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    workspace = coordinator.memberships.get().workspace
    for _ in range(12):
        PartnerFactory(workspace=workspace)

    with django_assert_max_num_queries(12):
        body = client.get("/manage/open-data/").content.decode()

    assert body.count("<td>nog nooit</td>") == 12


@pytest.mark.django_db
def test_contact_form_opts_contact_into_review_mails_and_publication(client):
    partner = PartnerFactory()
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    client.post(
        f"/manage/partners/{partner.slug}/contacts/",
        {
            "name": "Balie",
            "email": "balie@example.org",
            "is_public": "on",
            "receives_review_requests": "on",
        },
    )

    contact = partner.contacts.get()
    assert (contact.is_public, contact.receives_review_requests) == (True, True)
