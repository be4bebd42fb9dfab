import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from core.models import Membership
from network.models import Partner
from tests.factories import CoordinatorFactory, PartnerFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def two_workspace_coordinator():
    own, other = WorkspaceFactory(slug="ros-amsterdam"), WorkspaceFactory(slug="ros-rotterdam")
    coordinator = CoordinatorFactory(workspace=own)
    Membership.objects.create(user=coordinator, workspace=other, role=Membership.Role.COORDINATOR)
    return coordinator, own, other


def token_client(raw: str, keyword: str = "Bearer") -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return api


def test_api_token_acts_only_within_its_workspace():
    coordinator, own, other = two_workspace_coordinator()
    own_partner = PartnerFactory(workspace=own, is_active=False)
    other_partner = PartnerFactory(workspace=other, is_active=False)
    _token, raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)
    api = token_client(raw)

    listed = api.get("/api/partners/", {"active": "false"})
    own_patch = api.patch(f"/api/partners/{own_partner.slug}/", {"is_active": True}, format="json")
    other_patch = api.patch(
        f"/api/partners/{other_partner.slug}/", {"is_active": True}, format="json"
    )

    assert [p["slug"] for p in listed.json()["results"]] == [own_partner.slug]
    assert own_patch.status_code == 200
    assert other_patch.status_code == 404
    assert Partner.objects.get(pk=other_partner.pk).is_active is False


def test_api_token_token_keyword_also_accepted():
    coordinator, own, _other = two_workspace_coordinator()
    partner = PartnerFactory(workspace=own, is_active=False)
    _token, raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)

    response = token_client(raw, keyword="Token").get(f"/api/partners/{partner.slug}/")

    assert response.status_code == 200


def test_api_token_revoked_is_refused():
    coordinator, own, _other = two_workspace_coordinator()
    token, raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)
    services.revoke_api_token(token=token)

    response = token_client(raw).get("/api/partners/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_api_token_unknown_is_refused():
    assert token_client("wt_nonsense").get("/api/partners/").status_code == 401


def test_api_token_records_last_use():
    coordinator, own, _other = two_workspace_coordinator()
    token, raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)

    token_client(raw).get("/api/partners/")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_api_token_stored_only_as_hash():
    coordinator, own, _other = two_workspace_coordinator()
    token, raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)

    assert raw.startswith("wt_")
    assert token.token_hash == services.hash_token(raw) != raw
    assert ApiToken.objects.filter(token_hash=raw).count() == 0


def test_api_token_page_shows_token_once_and_revokes(client):
    coordinator, own, _other = two_workspace_coordinator()
    client.force_login(coordinator)

    created = client.post("/manage/api-tokens/?workspace=ros-amsterdam", {"name": "CRM"})
    raw = created.context["new_token"]
    listing = client.get("/manage/api-tokens/?workspace=ros-amsterdam")
    token = ApiToken.objects.get()

    assert created.headers["Cache-Control"] == "no-store"
    assert raw in created.content.decode()
    assert raw not in listing.content.decode()
    assert token.workspace == own
    revoked = client.post(f"/manage/api-tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert token_client(raw).get("/api/partners/").status_code == 401


def test_api_token_foreign_coordinator_cannot_revoke(client):
    coordinator, own, _other = two_workspace_coordinator()
    token, _raw = services.create_api_token(workspace=own, name="CRM", created_by=coordinator)
    client.force_login(CoordinatorFactory())

    response = client.post(f"/manage/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_api_token_page_query_count_is_constant(client, django_assert_num_queries, count):
    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    for number in range(count):
        services.create_api_token(workspace=workspace, name=f"CRM {number}", created_by=coordinator)
    client.force_login(coordinator)
    client.get("/manage/api-tokens/")  # warm the session and 2FA checks

    with django_assert_num_queries(5):
        response = client.get("/manage/api-tokens/")

    assert response.status_code == 200
    assert response.text.count("CRM ") == count
