import pytest
from rest_framework.test import APIClient

from network.models import Neighbourhood, Partner
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    UserFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)

PUBLIC_FIELDS = [
    "url",
    "name",
    "slug",
    "short_description",
    "description",
    "domain",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "referral_info",
    "target_groups",
    "max_group_size",
    "accessibility",
    "is_active",
    "workspace",
    "themes",
    "neighbourhoods",
    "visiting_windows",
]


@pytest.fixture
def api():
    return APIClient()


def new_partner_body(**overrides) -> dict:
    return {
        "name": "Buurthuis Het Anker",
        "domain": "welzijn",
        "address": "Javastraat 10",
        "postcode": "1094 AB",
        "city": "Amsterdam",
        "latitude": 52.3625,
        "longitude": 4.939,
        "themes": ["taal"],
        "visiting_windows": [{"weekday": 0, "opens_at": "09:00", "closes_at": "12:00"}],
    } | overrides


@pytest.mark.django_db
def test_partner_list_shows_public_fields_only(api):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Fatima Ouali")
    partner.editors.add(UserFactory(username="redacteur"))

    response = api.get("/api/partners/")

    assert response.status_code == 200
    assert response.data["count"] == 1
    assert list(response.data["results"][0]) == PUBLIC_FIELDS
    assert "Fatima Ouali" not in response.content.decode()
    assert "redacteur" not in response.content.decode()


@pytest.mark.django_db
def test_partner_list_hides_inactive_from_public_but_not_from_coordinator(api):
    active = PartnerFactory(name="Actief")
    PartnerFactory(workspace=active.workspace, is_active=False, name="Inactief")

    public = api.get("/api/partners/")
    api.force_authenticate(CoordinatorFactory(workspace=active.workspace))
    own = api.get("/api/partners/", {"active": "false"})

    assert [p["name"] for p in public.data["results"]] == ["Actief"]
    assert [p["name"] for p in own.data["results"]] == ["Inactief"]


@pytest.mark.django_db
def test_partner_list_filters(api):
    wijk = NeighbourhoodFactory(slug="wijk")
    taal = ThemeFactory(slug="taal")
    ws = wijk.workspace
    PartnerFactory(workspace=ws, name="Taalhuis", neighbourhoods=[wijk], themes=[taal])
    PartnerFactory(workspace=ws, name="Sportclub", domain="sport", neighbourhoods=[wijk])
    PartnerFactory(workspace=ws, name="Elders", themes=[taal])

    def names(**params):
        response = api.get("/api/partners/", params)
        assert response.status_code == 200
        return [p["name"] for p in response.data["results"]]

    assert names(neighbourhood="wijk") == ["Sportclub", "Taalhuis"]
    assert names(theme="taal") == ["Elders", "Taalhuis"]
    assert names(domain="sport") == ["Sportclub"]
    assert names(search="taal") == ["Taalhuis"]
    assert names(neighbourhood="wijk", theme="taal") == ["Taalhuis"]
    assert names(active="true") == ["Elders", "Sportclub", "Taalhuis"]


@pytest.mark.django_db
def test_partner_list_unknown_slugs_return_empty(api):
    PartnerFactory()

    response = api.get("/api/partners/", {"neighbourhood": "nergens", "theme": "niets"})

    assert response.status_code == 200
    assert response.data["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("param", "value"), [("domain", "astrologie"), ("active", "misschien")])
def test_partner_list_bad_choice_is_400_with_message(api, param, value):
    response = api.get("/api/partners/", {param: value})

    assert response.status_code == 400
    assert list(response.data) == [param]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_partner_list_query_count_is_constant(api, django_assert_num_queries, count):
    wijk = NeighbourhoodFactory()
    themes = [ThemeFactory(), ThemeFactory()]
    for _ in range(count):
        partner = PartnerFactory(workspace=wijk.workspace, neighbourhoods=[wijk], themes=themes)
        VisitingWindowFactory(partner=partner)

    # COUNT, the page, and its relations in one UNION ALL.
    with django_assert_num_queries(3):
        response = api.get("/api/partners/")

    assert response.data["count"] == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_neighbourhood_and_theme_lists_query_count_is_constant(
    api, django_assert_num_queries, count
):
    for _ in range(count):
        NeighbourhoodFactory()
        ThemeFactory()

    with django_assert_num_queries(2):
        assert api.get("/api/neighbourhoods/").data["count"] == count
    with django_assert_num_queries(2):
        assert api.get("/api/themes/").data["count"] == count


@pytest.mark.django_db
def test_anonymous_cannot_write(api):
    assert api.post("/api/partners/", new_partner_body(), format="json").status_code == 403
    assert api.post("/api/themes/", {"slug": "x", "name": "X"}).status_code == 403


@pytest.mark.django_db
def test_coordinator_creates_partner_in_own_workspace_ignoring_body_workspace(api):
    ThemeFactory(slug="taal")
    coordinator = CoordinatorFactory()
    own = coordinator.memberships.get().workspace
    other = WorkspaceFactory(slug="andere")
    api.force_authenticate(coordinator)

    response = api.post(
        "/api/partners/", new_partner_body(workspace="andere", phone="020 665 1234"), format="json"
    )

    assert response.status_code == 201, response.data
    partner = Partner.objects.get()
    assert partner.workspace == own != other
    assert response.data["workspace"] == own.slug
    assert response.data["phone"] == "+31 20 665 1234"
    assert response.data["themes"] == ["taal"]
    assert response.data["visiting_windows"] == [
        {"weekday": 0, "opens_at": "09:00:00", "closes_at": "12:00:00"}
    ]


@pytest.mark.django_db
def test_create_partner_bad_input_is_400_per_field(api):
    api.force_authenticate(CoordinatorFactory())

    response = api.post(
        "/api/partners/",
        new_partner_body(
            postcode="ABCD 12",
            latitude=10.0,
            themes=["bestaat-niet"],
            visiting_windows=[{"weekday": 0, "opens_at": "12:00", "closes_at": "09:00"}],
        ),
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.data) == ["latitude", "postcode", "themes", "visiting_windows"]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_create_partner_postcode_error_comes_from_service(api):
    ThemeFactory(slug="taal")
    api.force_authenticate(CoordinatorFactory())

    response = api.post("/api/partners/", new_partner_body(postcode="ABCD 12"), format="json")

    assert response.status_code == 400
    assert list(response.data) == ["postcode"]


@pytest.mark.django_db
def test_create_partner_refuses_neighbourhood_of_other_workspace(api):
    ThemeFactory(slug="taal")
    NeighbourhoodFactory(slug="elders")
    api.force_authenticate(CoordinatorFactory())

    response = api.post(
        "/api/partners/", new_partner_body(neighbourhoods=["elders"]), format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == ["neighbourhoods"]


@pytest.mark.django_db
def test_create_partner_with_duplicate_slug_is_400(api):
    ThemeFactory(slug="taal")
    PartnerFactory(slug="het-anker")
    api.force_authenticate(CoordinatorFactory())

    response = api.post("/api/partners/", new_partner_body(slug="het-anker"), format="json")

    assert response.status_code == 400
    assert list(response.data) == ["slug"]


@pytest.mark.django_db
def test_coordinator_updates_and_deactivates_own_partner(api):
    partner = PartnerFactory()
    api.force_authenticate(CoordinatorFactory(workspace=partner.workspace))

    response = api.patch(
        f"/api/partners/{partner.slug}/", {"name": "Nieuw", "is_active": False}, format="json"
    )

    assert response.status_code == 200
    partner.refresh_from_db()
    assert (partner.name, partner.is_active) == ("Nieuw", False)


@pytest.mark.django_db
def test_coordinator_cannot_update_other_workspace_partner(api):
    partner = PartnerFactory(name="Oud")
    api.force_authenticate(CoordinatorFactory())

    response = api.patch(f"/api/partners/{partner.slug}/", {"name": "Nieuw"}, format="json")

    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.name == "Oud"


@pytest.mark.django_db
def test_partner_delete_is_not_allowed(api):
    partner = PartnerFactory()
    api.force_authenticate(CoordinatorFactory(workspace=partner.workspace))

    assert api.delete(f"/api/partners/{partner.slug}/").status_code == 405


@pytest.mark.django_db
def test_coordinator_creates_neighbourhood_and_theme(api):
    coordinator = CoordinatorFactory()
    api.force_authenticate(coordinator)

    hood = api.post(
        "/api/neighbourhoods/",
        {"slug": "oude-noorden", "name": "Oude Noorden", "municipality": "Rotterdam",
         "latitude": 51.931, "longitude": 4.483},
        format="json",
    )  # fmt: skip
    theme = api.post(
        "/api/themes/",
        {"slug": "armoede", "name": "Armoede", "dimensions": ["meedoen"]},
        format="json",
    )

    assert (hood.status_code, theme.status_code) == (201, 201)
    assert Neighbourhood.objects.get().workspace == coordinator.memberships.get().workspace


@pytest.mark.django_db
def test_coordinator_of_two_workspaces_must_choose(api):
    coordinator = CoordinatorFactory()
    second = WorkspaceFactory(slug="tweede")
    coordinator.memberships.create(workspace=second)
    api.force_authenticate(coordinator)
    body = {"slug": "w", "name": "W", "municipality": "A", "latitude": 52.0, "longitude": 5.0}

    ambiguous = api.post("/api/neighbourhoods/", body, format="json")
    chosen = api.post("/api/neighbourhoods/?workspace=tweede", body, format="json")
    foreign = api.post("/api/neighbourhoods/?workspace=onbekend", body, format="json")

    assert (ambiguous.status_code, chosen.status_code, foreign.status_code) == (400, 201, 400)
    assert list(ambiguous.data) == ["workspace"]
    assert Neighbourhood.objects.get().workspace == second


@pytest.mark.django_db
def test_theme_bad_dimension_is_400(api):
    api.force_authenticate(CoordinatorFactory())

    response = api.post(
        "/api/themes/", {"slug": "x", "name": "X", "dimensions": ["geluk"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == ["dimensions"]


@pytest.mark.django_db
def test_api_schema_and_docs_render(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert (schema.status_code, docs.status_code) == (200, 200)
    assert b"/api/partners/" in schema.content


def test_api_schema_has_no_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.django_db
def test_partner_editor_cannot_write_through_api(api):
    partner = PartnerFactory(name="Oud")
    editor = UserFactory()
    partner.editors.add(editor)
    api.force_authenticate(editor)

    response = api.patch(f"/api/partners/{partner.slug}/", {"name": "Nieuw"}, format="json")

    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.name == "Oud"


@pytest.mark.django_db
def test_partner_list_relations_sorted_per_partner_from_two_workspaces(api):
    import datetime as dt

    first, second = WorkspaceFactory(slug="ros-oost"), WorkspaceFactory(slug="ros-west")
    oost, west = (
        NeighbourhoodFactory(workspace=first, slug="oost"),
        NeighbourhoodFactory(workspace=second, slug="west"),
    )
    taal, geld = ThemeFactory(slug="taal"), ThemeFactory(slug="geldzorgen")
    library = PartnerFactory(
        workspace=first, name="A bibliotheek", neighbourhoods=[oost], themes=[taal, geld]
    )
    VisitingWindowFactory(partner=library, weekday=2, opens_at=dt.time(13), closes_at=dt.time(16))
    VisitingWindowFactory(
        partner=library, weekday=0, opens_at=dt.time(9, 30, 15), closes_at=dt.time(12)
    )
    PartnerFactory(workspace=second, name="B buurthuis", neighbourhoods=[west])

    results = api.get("/api/partners/").data["results"]

    assert [
        (p["workspace"], p["themes"], p["neighbourhoods"], p["visiting_windows"]) for p in results
    ] == [
        (
            "ros-oost",
            ["geldzorgen", "taal"],
            ["oost"],
            [
                {"weekday": 0, "opens_at": "09:30:15", "closes_at": "12:00:00"},
                {"weekday": 2, "opens_at": "13:00:00", "closes_at": "16:00:00"},
            ],
        ),
        ("ros-west", [], ["west"], []),
    ]
