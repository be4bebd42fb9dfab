import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from core.models import Membership
from tests.factories import CoordinatorFactory, PartnerFactory, WorkspaceFactory


def invitation_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/invitation/\S+/)", body).group(1)


ACCOUNT = {
    "username": "nieuwe-coordinator",
    "password1": "fietsen-door-de-wijk",
    "password2": "fietsen-door-de-wijk",
}


@pytest.mark.django_db(transaction=True)
def test_invitation_coordinator_accepts_and_joins_workspace(client, smtp_server):
    workspace = WorkspaceFactory(slug="ros-amsterdam")
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.post(
        "/manage/invitations/", {"email": "nieuw@example.org", "role": "coordinator"}
    )

    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == "nieuw@example.org"
    link = invitation_link(message)
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in link
    assert invitation.expires_at.date() == (timezone.now() + dt.timedelta(days=7)).date()
    client.logout()
    accepted = client.post(link, ACCOUNT)
    assert accepted.status_code == 302
    user = get_user_model().objects.get(username="nieuwe-coordinator")
    assert user.email == "nieuw@example.org"
    assert list(Membership.objects.filter(user=user).values_list("workspace__slug", "role")) == [
        ("ros-amsterdam", "coordinator")
    ]
    again = client.get(link)
    assert again.status_code == 410
    assert "al gebruikt" in again.content.decode()


@pytest.mark.django_db
def test_invitation_partner_editor_gets_partner_links(client):
    workspace = WorkspaceFactory()
    partner = PartnerFactory(workspace=workspace)
    coordinator = CoordinatorFactory(workspace=workspace)
    _invitation, raw = services.invite(
        workspace=workspace,
        email="redactie@example.org",
        role=Invitation.Role.PARTNER_EDITOR,
        partners=[partner],
        created_by=coordinator,
    )

    client.post(f"/accounts/invitation/{raw}/", ACCOUNT)

    user = get_user_model().objects.get(username="nieuwe-coordinator")
    assert list(user.edited_partners.all()) == [partner]
    assert Membership.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_invitation_expired_link_explains(client):
    workspace = WorkspaceFactory()
    invitation, raw = services.invite(
        workspace=workspace,
        email="laat@example.org",
        role=Invitation.Role.COORDINATOR,
        created_by=CoordinatorFactory(workspace=workspace),
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.post(f"/accounts/invitation/{raw}/", ACCOUNT)

    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert not get_user_model().objects.filter(username="nieuwe-coordinator").exists()


@pytest.mark.django_db
def test_invitation_unknown_token_explains(client):
    response = client.get("/accounts/invitation/not-a-real-token/")

    assert response.status_code == 410
    assert "niet geldig" in response.content.decode()


@pytest.mark.django_db
def test_invitation_partner_editor_needs_partner_of_own_workspace(client):
    workspace = WorkspaceFactory()
    foreign_partner = PartnerFactory(workspace=WorkspaceFactory())
    client.force_login(CoordinatorFactory(workspace=workspace))

    response = client.post(
        "/manage/invitations/",
        {"email": "x@example.org", "role": "partner_editor", "partners": [foreign_partner.pk]},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["partners"]
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_invitation_foreign_workspace_cannot_withdraw(client):
    other = WorkspaceFactory()
    invitation, _raw = services.invite(
        workspace=other,
        email="x@example.org",
        role=Invitation.Role.COORDINATOR,
        created_by=CoordinatorFactory(workspace=other),
    )
    client.force_login(CoordinatorFactory(workspace=WorkspaceFactory()))

    response = client.post(f"/manage/invitations/{invitation.pk}/withdraw/")
    listing = client.get("/manage/invitations/")

    assert response.status_code == 404
    assert list(listing.context["invitations"]) == []
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.django_db
def test_invitation_withdrawn_link_explains(client):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    invitation, raw = services.invite(
        workspace=workspace, email="x@example.org", role="coordinator", created_by=coordinator
    )
    client.force_login(coordinator)
    client.post(f"/manage/invitations/{invitation.pk}/withdraw/")
    client.logout()

    response = client.get(f"/accounts/invitation/{raw}/")

    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()


@pytest.mark.django_db
def test_invitation_pages_refuse_non_coordinators(client):
    client.force_login(get_user_model().objects.create_user("burger", password="x"))

    assert client.get("/manage/invitations/").status_code == 403


@pytest.mark.django_db
def test_invitation_list_query_count_constant(client):
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    client.force_login(coordinator)
    counts = []
    for total in (1, 3, 50):
        while Invitation.objects.count() < total:
            services.invite(
                workspace=workspace,
                email=f"p{Invitation.objects.count()}@example.org",
                role="partner_editor",
                partners=[PartnerFactory(workspace=workspace)],
                created_by=coordinator,
            )
        with CaptureQueriesContext(connection) as captured:
            client.get("/manage/invitations/")
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2]
