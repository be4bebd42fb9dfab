"""The permission matrix: every coordinator page and every API route, for every role, against
workspace A's objects ("Ameland"). Routes are read from the URL resolver, so a new route without
an object rule here fails until someone decides what it may show to whom.

POSTs are sent only by roles that must be refused, so no request changes A's data and every
row sees the same objects."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.privacy.conftest import World
from tests.privacy.routes import Route, api_routes, manage_routes

# Pages that hold no workspace's data: the import template is an empty CSV with headers.
PUBLIC_MANAGE = {"network:manage_partner_template"}
# Routes about objects every workspace shares: themes.
SHARED = {"network:manage_theme_edit", "theme-detail"}
# Pages a partner editor may open for their own partner.
EDITOR_PAGES = {
    "network:manage_partners",
    "network:manage_partner_edit",
    "network:manage_contacts",
    "network:manage_contact_edit",
    "ratings:partner",
    "feeds:partner-settings",
}
# Query strings that make a page meaningful (an export needs an address).
QUERY = {
    "privacy:export_json": "?email=anna-ameland@example.org",
    "privacy:export_csv": "?email=anna-ameland@example.org",
}
# Public API routes about workspace A's objects that anyone may read (published data).
PUBLIC_API_DETAIL = {"neighbourhood-detail", "partner-detail", "partner-event-detail"}
# The HSDS open data (opendata): published records, read-only for everyone.
PUBLIC_API_DETAIL |= {
    "hsds-service",
    "hsds-organization",
    "hsds-service-at-location",
    "hsds-taxonomy",
    "hsds-taxonomy-term",
}
HSDS_KINDS = {
    "hsds-service": "service",
    "hsds-organization": "organization",
    "hsds-service-at-location": "service_at_location",
}
# Public write endpoints (registration without account, cancel by token).
PUBLIC_API_WRITE = {"activity-registrations", "session-registrations", "registration-cancel"}


def manage_kwargs(route: Route, world: World) -> dict:
    values = {}
    for kwarg in route.kwargs:
        if kwarg == "slug":
            if route.path.startswith("manage/neighbourhoods/"):
                values[kwarg] = world.neighbourhood.slug
            elif route.path.startswith("manage/themes/"):
                values[kwarg] = world.theme.slug
            else:
                values[kwarg] = world.partner.slug
        elif kwarg == "pk":
            if route.path.startswith("manage/contacts/"):
                values[kwarg] = world.contact.pk
            elif route.path.startswith("manage/sessions/"):
                values[kwarg] = world.session.pk
            else:
                values[kwarg] = world.tour.pk
        elif kwarg == "stop_pk":
            values[kwarg] = world.stop.pk
        elif kwarg == "registration_pk":
            values[kwarg] = world.registration.pk
        elif kwarg == "activity_id":
            values[kwarg] = world.past_tour.pk
        else:
            raise AssertionError(f"{route.path}: no object for <{kwarg}>; add it to the matrix")
    return values


def api_kwargs(route: Route, world: World) -> dict:
    values = {}
    for kwarg in route.kwargs:
        if route.name.startswith("neighbourhood-"):
            values[kwarg] = world.neighbourhood.slug
        elif route.name.startswith("theme-"):
            values[kwarg] = world.theme.slug
        elif route.name.startswith("partner-event-"):
            values[kwarg] = world.event.pk
        elif route.name.startswith("partner-"):
            values[kwarg] = world.partner.slug
        elif route.name.startswith("session-"):
            values[kwarg] = world.session.pk
        elif route.name.startswith(("tour-", "activity-")):
            values[kwarg] = world.tour.pk
        elif route.name.startswith("hsds-"):
            values[kwarg] = _hsds_id(route.name, world)
        else:
            raise AssertionError(f"{route.path}: no object for <{kwarg}>; add it to the matrix")
    return values


def _hsds_id(name: str, world: World) -> str:
    from opendata import hsds
    from opendata.services import load_ids

    ids = load_ids(workspaces=[world.partner.workspace])[world.partner.workspace_id]
    if name == "hsds-taxonomy":
        return ids.get("taxonomy", hsds.THEME_TAXONOMY)
    if name == "hsds-taxonomy-term":
        return ids.get("theme", world.theme.slug)
    if name not in HSDS_KINDS:
        raise AssertionError(f"{name}: no object; add it to the matrix")
    return ids.get(HSDS_KINDS[name], world.partner.pk)


def manage_url(route: Route, world: World) -> str:
    return reverse(route.name, kwargs=manage_kwargs(route, world)) + QUERY.get(route.name, "")


def refused_statuses(client, url: str) -> tuple[int, ...]:
    """GET, and POST too when GET is not allowed (a POST-only action)."""
    response = client.get(url)
    if response.status_code == 405:
        return (client.post(url, {}).status_code,)
    return (response.status_code,)


def foreign_markers(world: World) -> list[str]:
    return [
        "ameland",
        world.registration.email,
        world.contact.email,
        world.contact.name.lower(),
    ]


def assert_no_foreign_data(response, world: World, where: str) -> None:
    body = response.content.decode("utf-8", "replace").lower()
    leaked = [marker for marker in foreign_markers(world) if marker in body]
    assert leaked == [], f"{where} shows {leaked}"


def test_every_route_has_objects(db, world_a):
    unknown = []
    for route in manage_routes():
        try:
            manage_kwargs(route, world_a)
        except AssertionError as error:
            unknown.append(str(error))
    for route in api_routes():
        try:
            api_kwargs(route, world_a)
        except AssertionError as error:
            unknown.append(str(error))
    assert unknown == []


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_on_every_manage_page(client, world_a):
    outcomes = {}
    for route in manage_routes():
        if route.name in PUBLIC_MANAGE:
            continue
        url = manage_url(route, world_a)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        location = response.headers.get("Location", "")
        outcomes[url] = (
            "login"
            if response.status_code == 302 and "/accounts/login/" in location
            else response.status_code
        )
    assert {url: o for url, o in outcomes.items() if o not in ("login", 403)} == {}


@pytest.mark.django_db
def test_coordinator_of_workspace_a_opens_every_manage_page(client, world_a, world_b):
    client.force_login(world_a.coordinator)
    failures = {}
    for route in manage_routes():
        url = manage_url(route, world_a)
        status = client.get(url).status_code
        if status not in (200, 405):  # 405: a POST-only action; its GET is refused
            failures[url] = status
    assert failures == {}


@pytest.mark.django_db
def test_superuser_opens_every_manage_page(client, world_a, superuser):
    client.force_login(superuser)
    failures = {}
    for route in manage_routes():
        url = manage_url(route, world_a)
        status = client.get(url).status_code
        if status not in (200, 405):
            failures[url] = status
    assert failures == {}


@pytest.mark.django_db
def test_coordinator_of_workspace_b_gets_404_for_every_object_of_a(client, world_a, world_b):
    client.force_login(world_b.coordinator)
    failures = {}
    for route in manage_routes():
        url = manage_url(route, world_a)
        if route.kwargs and route.name not in SHARED:
            statuses = refused_statuses(client, url)
            if statuses != (404,):
                failures[url] = statuses
        else:
            response = client.get(url)
            if response.status_code == 200:
                assert_no_foreign_data(response, world_a, url)
            elif response.status_code not in (400, 405):
                failures[url] = response.status_code
    assert failures == {}


@pytest.mark.django_db
def test_partner_editor_reaches_only_their_partners_pages(client, world_a, partner_editor):
    client.force_login(partner_editor)
    failures = {}
    for route in manage_routes():
        url = manage_url(route, world_a)
        if route.name in EDITOR_PAGES:
            status = client.get(url).status_code
            if status != 200:
                failures[url] = status
            continue
        if route.name in PUBLIC_MANAGE:
            continue
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        if response.status_code == 200:
            # A list page an editor may open: it must not show the workspace's activities or
            # registrations.
            body = response.content.decode().lower()
            assert world_a.tour.title.lower() not in body, url
            assert world_a.registration.email not in body, url
        elif response.status_code == 302:
            if "/accounts/login/" in response.headers["Location"]:
                failures[url] = 302
        elif response.status_code not in (403, 404):
            failures[url] = response.status_code
    assert failures == {}


@pytest.mark.django_db
def test_partner_editor_gets_404_for_another_partners_pages(
    client, world_a, world_b, partner_editor
):
    client.force_login(partner_editor)
    failures = {}
    for route in manage_routes():
        if route.name not in EDITOR_PAGES or not route.kwargs:
            continue
        url = manage_url(route, world_b)
        statuses = refused_statuses(client, url)
        if statuses[0] not in (403, 404):
            failures[url] = statuses
    assert failures == {}


def _api_methods(client, url: str) -> dict[str, int]:
    return {
        "GET": client.get(url).status_code,
        "POST": client.post(url, {}, content_type="application/json").status_code,
        "PUT": client.put(url, {}, content_type="application/json").status_code,
        "PATCH": client.patch(
            url, {"name": "x", "title": "x"}, content_type="application/json"
        ).status_code,
        "DELETE": client.delete(url).status_code,
    }


@pytest.mark.django_db
def test_api_refuses_workspace_b_every_write_and_every_private_object_of_a(
    client, world_a, world_b
):
    client.force_login(world_b.coordinator)
    failures = {}
    for route in api_routes():
        url = reverse(route.name, kwargs=api_kwargs(route, world_a))
        if route.name in PUBLIC_API_WRITE:
            continue
        statuses = _api_methods(client, url)
        if not route.kwargs:
            response = client.get(url)
            if response.status_code == 200:
                body = response.content.decode().lower()
                leaked = [
                    marker
                    for marker in (
                        world_a.tour.title.lower(),
                        world_a.session.title.lower(),
                        world_a.registration.email,
                        world_a.contact.email,
                    )
                    if marker in body
                ]
                if leaked:
                    failures[url] = leaked
            continue
        if route.name in SHARED:
            continue
        allowed_get = (200,) if route.name in PUBLIC_API_DETAIL else (404, 405)
        if statuses["GET"] not in allowed_get:
            failures[f"GET {url}"] = statuses["GET"]
        refused = (403, 404, 405) if route.name in PUBLIC_API_DETAIL else (404, 405)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if statuses[method] not in refused:
                failures[f"{method} {url}"] = statuses[method]
    assert failures == {}
    world_a.tour.refresh_from_db()
    world_a.partner.refresh_from_db()
    world_a.neighbourhood.refresh_from_db()
    assert (world_a.tour.status, world_a.partner.name, world_a.neighbourhood.name) == (
        Activity.Status.DRAFT,
        "Buurthuis Ameland",
        "Wijk Ameland",
    )


@pytest.mark.django_db
def test_api_refuses_anonymous_every_write(client, world_a):
    failures = {}
    for route in api_routes():
        if route.name in PUBLIC_API_WRITE:
            continue
        url = reverse(route.name, kwargs=api_kwargs(route, world_a))
        statuses = _api_methods(client, url)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if statuses[method] not in (401, 403, 404, 405):
                failures[f"{method} {url}"] = statuses[method]
        private = route.kwargs and route.name not in PUBLIC_API_DETAIL | SHARED
        if private and statuses["GET"] not in (404, 405):
            failures[f"GET {url}"] = statuses["GET"]
    assert failures == {}


@pytest.mark.django_db
def test_api_gives_coordinator_a_their_draft_tour(client, world_a, world_b):
    client.force_login(world_a.coordinator)
    url = reverse("tour-detail", kwargs={"pk": world_a.tour.pk})

    assert client.get(url).status_code == 200
