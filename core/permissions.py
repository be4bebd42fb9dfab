"""Who may see and change what. Pages and the API ask the same functions."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.models import Membership, Workspace


def coordinator_workspaces(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    """Workspaces whose data this user may edit as coordinator (all of them for superusers)."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    # An API token (accounts.authentication) confines its creator to the token's workspace.
    token_scope = getattr(user, "api_token_workspace_id", None)
    if user.is_superuser:
        workspaces = Workspace.objects.all()
    else:
        workspaces = Workspace.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.COORDINATOR
        )
    return workspaces if token_scope is None else workspaces.filter(pk=token_scope)


def is_coordinator(*, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()


def can_coordinate(*, user: User | AnonymousUser, workspace_id: int) -> bool:
    if not user.is_authenticated:
        return False
    token_scope = getattr(user, "api_token_workspace_id", None)
    if token_scope is not None and token_scope != workspace_id:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, workspace_id=workspace_id, role=Membership.Role.COORDINATOR
    ).exists()


def chosen_workspace(*, user: User | AnonymousUser, slug: str | None) -> Workspace:
    """The coordinator's workspace named by `slug` (404 when it is not theirs), else their
    first; PermissionDenied for someone who coordinates none."""
    if not is_coordinator(user=user):
        raise PermissionDenied
    workspaces = coordinator_workspaces(user=user)
    if slug:
        return get_object_or_404(workspaces, slug=slug)
    workspace = workspaces.first()
    if workspace is None:
        raise PermissionDenied
    return workspace
