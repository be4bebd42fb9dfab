"""Who may see and change what. Pages and the API ask the same functions."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from core.models import Membership, Workspace


def coordinator_workspaces(*, user: User | AnonymousUser) -> QuerySet[Workspace]:
    """Workspaces whose data this user may edit as coordinator (all of them for superusers)."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    if user.is_superuser:
        return Workspace.objects.all()
    return Workspace.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.COORDINATOR
    )


def is_coordinator(*, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()


def can_coordinate(*, user: User | AnonymousUser, workspace_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, workspace_id=workspace_id, role=Membership.Role.COORDINATOR
    ).exists()
