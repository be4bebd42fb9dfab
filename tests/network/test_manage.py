import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import Contact, Neighbourhood, Partner, Theme
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    UserFactory,
    VisitingWindowFactory,
)


def windows_management(prefix: str = "windows", total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def partner_post(**overrides) -> dict:
    return {
        "name": "Buurthuis Het Anker",
        "slug": "",
        "domain": "welzijn",
        "address": "Javastraat 10",
        "postcode": "1094ab",
        "city": "Amsterdam",
        "latitude": "52.3625",
        "longitude": "4.939",
        "phone": "020 665 1234",
        "referral_info": "Loop binnen.",
        **windows_management(total=1),
        "windows-0-weekday": "1",
        "windows-0-opens_at": "13:00",
        "windows-0-closes_at": "16:00",
    } | overrides


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def workspace(coordinator):
    return coordinator.memberships.get().workspace


@pytest.mark.django_db
def test_coordinator_creates_partner_with_windows(client, coordinator, workspace):
    wijk = NeighbourhoodFactory(workspace=workspace)
    theme = ThemeFactory()
    client.force_login(coordinator)

    response = client.post(
        "/manage/partners/new/",
        partner_post(workspace=str(workspace.pk), neighbourhoods=[wijk.pk], themes=[theme.pk]),
    )

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.slug, partner.postcode, partner.workspace) == (
        "buurthuis-het-anker",
        "1094 AB",
        workspace,
    )
    assert list(partner.neighbourhoods.all()) == [wijk]
    assert [str(w) for w in partner.visiting_windows.all()] == ["dinsdag 13:00–16:00"]


@pytest.mark.django_db
def test_partner_form_shows_field_errors_and_saves_nothing(client, coordinator, workspace):
    client.force_login(coordinator)

    response = client.post(
        "/manage/partners/new/",
        partner_post(
            workspace=str(workspace.pk),
            postcode="nope",
            latitude="48.85",
            **{"windows-0-closes_at": "12:00"},
        ),
    )

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["latitude", "postcode"]
    assert list(response.context["formset"].forms[0].errors) == ["closes_at"]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_partner_form_refuses_other_workspace_neighbourhood(client, coordinator, workspace):
    elsewhere = NeighbourhoodFactory()
    client.force_login(coordinator)

    response = client.post(
        "/manage/partners/new/",
        partner_post(workspace=str(workspace.pk), neighbourhoods=[elsewhere.pk]),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["neighbourhoods"]


@pytest.mark.django_db
def test_coordinator_edits_partner_and_removes_window(client, coordinator, workspace):
    partner = PartnerFactory(workspace=workspace)
    window = VisitingWindowFactory(partner=partner)
    client.force_login(coordinator)
    data = partner_post(
        name="Nieuwe naam",
        slug=partner.slug,
        **windows_management(total=1, initial=1),
        **{"windows-0-id": str(window.pk), "windows-0-partner": str(partner.pk),
           "windows-0-weekday": "1", "windows-0-DELETE": "on"},
    )  # fmt: skip

    response = client.post(f"/manage/partners/{partner.slug}/", data)

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Nieuwe naam"
    assert partner.visiting_windows.count() == 0


@pytest.mark.django_db
def test_partner_form_renders_click_to_place_map(client, coordinator, workspace):
    partner = PartnerFactory(workspace=workspace)
    client.force_login(coordinator)

    html = client.get(f"/manage/partners/{partner.slug}/").text

    assert "data-place-map" in html
    assert "data-map-lat" in html
    assert '<script src="/static/js/network-place.js"></script>' in html
    assert html.count("<script>") == 0  # every inline script carries the nonce


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/manage/partners/{slug}/",
        "/manage/partners/{slug}/contacts/",
    ],
)
def test_other_workspace_partner_pages_are_404(client, coordinator, url):
    partner = PartnerFactory()
    client.force_login(coordinator)

    assert client.get(url.format(slug=partner.slug)).status_code == 404


@pytest.mark.django_db
def test_other_workspace_partner_cannot_be_deactivated(client, coordinator):
    partner = PartnerFactory()
    client.force_login(coordinator)

    response = client.post(f"/manage/partners/{partner.slug}/deactivate/")

    assert response.status_code == 404
    partner.refresh_from_db()
    assert partner.is_active is True


@pytest.mark.django_db
def test_coordinator_deactivates_and_reactivates_partner(client, coordinator, workspace):
    partner = PartnerFactory(workspace=workspace)
    client.force_login(coordinator)

    client.post(f"/manage/partners/{partner.slug}/deactivate/")
    partner.refresh_from_db()
    assert partner.is_active is False
    client.post(f"/manage/partners/{partner.slug}/activate/")
    partner.refresh_from_db()
    assert partner.is_active is True


@pytest.mark.django_db
def test_deactivate_needs_post(client, coordinator, workspace):
    partner = PartnerFactory(workspace=workspace)
    client.force_login(coordinator)

    assert client.get(f"/manage/partners/{partner.slug}/deactivate/").status_code == 405


@pytest.mark.django_db
def test_partner_list_shows_only_own_workspace(client, coordinator, workspace):
    PartnerFactory(workspace=workspace, name="Eigen partner")
    PartnerFactory(name="Andere partner")
    client.force_login(coordinator)

    html = client.get("/manage/partners/").text

    assert "Eigen partner" in html
    assert "Andere partner" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_manage_partner_list_query_count_is_constant(
    client, coordinator, workspace, django_assert_num_queries, count
):
    for _ in range(count):
        ContactFactory(partner=PartnerFactory(workspace=workspace))
    client.force_login(coordinator)

    with django_assert_num_queries(5):
        response = client.get("/manage/partners/")

    assert response.text.count("/contacts/") == count


@pytest.mark.django_db
def test_partner_editor_edits_own_partner_only(client):
    own, other = PartnerFactory(), PartnerFactory()
    editor = UserFactory()
    own.editors.add(editor)
    client.force_login(editor)

    assert client.get(f"/manage/partners/{own.slug}/").status_code == 200
    assert client.get(f"/manage/partners/{other.slug}/").status_code == 404
    assert client.get("/manage/partners/new/").status_code == 403
    assert client.get("/manage/neighbourhoods/").status_code == 403
    assert client.get("/manage/themes/").status_code == 403
    assert client.get("/manage/partners/import/").status_code == 403
    assert client.post(f"/manage/partners/{own.slug}/deactivate/").status_code == 404


@pytest.mark.django_db
def test_partner_editor_manages_contacts(client):
    partner = PartnerFactory()
    editor = UserFactory()
    partner.editors.add(editor)
    client.force_login(editor)

    response = client.post(
        f"/manage/partners/{partner.slug}/contacts/",
        {"name": "Fatima Ouali", "role": "Coördinator", "phone": "06 12345678", "email": ""},
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.phone == "+31 6 12345678"
    response = client.post(
        f"/manage/contacts/{contact.pk}/",
        {"name": "Fatima Ouali", "role": "Teamleider", "phone": "", "email": "f@example.org"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Teamleider"
    client.post(f"/manage/contacts/{contact.pk}/delete/")
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_contact_of_other_partner_is_404(client):
    editor = UserFactory()
    PartnerFactory().editors.add(editor)
    foreign = ContactFactory()
    client.force_login(editor)

    assert client.get(f"/manage/contacts/{foreign.pk}/").status_code == 404
    assert client.post(f"/manage/contacts/{foreign.pk}/delete/").status_code == 404
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_user_without_role_gets_403(client):
    client.force_login(UserFactory())

    assert client.get("/manage/partners/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/manage/partners/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_coordinator_creates_and_edits_neighbourhood(client, coordinator, workspace):
    client.force_login(coordinator)
    data = {
        "workspace": str(workspace.pk),
        "name": "Oude Noorden",
        "slug": "oude-noorden",
        "municipality": "Rotterdam",
        "latitude": "51.931",
        "longitude": "4.483",
        "boundary": "",
        "description": "",
    }

    assert client.post("/manage/neighbourhoods/new/", data).status_code == 302
    data["name"] = "Het Oude Noorden"
    assert client.post("/manage/neighbourhoods/oude-noorden/", data).status_code == 302
    hood = Neighbourhood.objects.get()
    assert (hood.name, hood.workspace) == ("Het Oude Noorden", workspace)


@pytest.mark.django_db
def test_neighbourhood_form_rejects_bad_boundary(client, coordinator, workspace):
    client.force_login(coordinator)

    response = client.post(
        "/manage/neighbourhoods/new/",
        {"workspace": str(workspace.pk), "name": "X", "slug": "x", "municipality": "A",
         "latitude": "52.1", "longitude": "5.1", "boundary": '{"type": "Point"}'},
    )  # fmt: skip

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["boundary"]


@pytest.mark.django_db
def test_other_workspace_neighbourhood_is_404(client, coordinator):
    hood = NeighbourhoodFactory()
    client.force_login(coordinator)

    assert client.get(f"/manage/neighbourhoods/{hood.slug}/").status_code == 404


@pytest.mark.django_db
def test_coordinator_creates_theme(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/manage/themes/new/",
        {"name": "Armoede", "name_en": "Poverty", "slug": "armoede", "dimensions": ["meedoen"]},
    )

    assert response.status_code == 302
    assert Theme.objects.get().dimensions == ["meedoen"]


@pytest.mark.django_db
def test_import_page_lists_bad_rows_and_imports_nothing(client, coordinator, workspace):
    client.force_login(coordinator)
    csv_text = (
        "name,domain,address,postcode,city,latitude,longitude\n"
        "Goed,welzijn,Javaplein 1,1094 HW,Amsterdam,52.36,4.94\n"
        "Fout,welzijn,Javaplein 2,9999,Amsterdam,52.36,4.94\n"
    )

    response = client.post(
        "/manage/partners/import/",
        {"workspace": str(workspace.pk), "file": SimpleUploadedFile("p.csv", csv_text.encode())},
    )

    assert response.status_code == 200
    assert [(e.line, e.field) for e in response.context["row_errors"]] == [(3, "postcode")]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_import_page_imports_good_file(client, coordinator, workspace):
    client.force_login(coordinator)
    csv_text = (
        "name,domain,address,postcode,city,latitude,longitude\n"
        "Goed,welzijn,Javaplein 1,1094 HW,Amsterdam,52.36,4.94\n"
    )

    response = client.post(
        "/manage/partners/import/",
        {"workspace": str(workspace.pk), "file": SimpleUploadedFile("p.csv", csv_text.encode())},
    )

    assert response.status_code == 302
    assert Partner.objects.get().workspace == workspace


@pytest.mark.django_db
def test_export_downloads_own_workspace_only(client, coordinator, workspace):
    PartnerFactory(workspace=workspace, name="Eigen")
    PartnerFactory(name="Ander")
    client.force_login(coordinator)

    response = client.get("/manage/partners/export.csv")
    rows = list(io.StringIO(response.content.decode()))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows) == 2
    assert rows[1].startswith("Eigen,")


def test_template_download_is_public_and_has_header(client):
    response = client.get("/manage/partners/template.csv")

    assert response.status_code == 200
    assert response.content.decode().splitlines()[0].startswith("name,slug,short_description,")


@pytest.mark.django_db
def test_dashboard_links_to_network_pages(client, coordinator):
    client.force_login(coordinator)

    html = client.get("/manage/").text

    assert 'href="/manage/partners/"' in html
    assert 'href="/manage/neighbourhoods/"' in html
    assert 'href="/manage/themes/"' in html
