"""Who may see and change what in the partner network, on top of core.permissions."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from core.permissions import can_coordinate, coordinator_workspaces
from network.models import Partner


def can_edit_partner(*, user: User | AnonymousUser, partner: Partner) -> bool:
    """Coordinators of the partner's workspace and the partner's own editors."""
    if not user.is_authenticated:
        return False
    if can_coordinate(user=user, workspace_id=partner.workspace_id):
        return True
    return partner.editors.filter(pk=user.pk).exists()


def can_see_contacts(*, user: User | AnonymousUser, partner: Partner) -> bool:
    return can_edit_partner(user=user, partner=partner)


def editable_partners(*, user: User | AnonymousUser) -> QuerySet[Partner]:
    """Partners this user may edit: their workspaces' as coordinator, or the ones they edit."""
    if not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(
        Q(workspace__in=coordinator_workspaces(user=user)) | Q(editors=user)
    ).distinct()
