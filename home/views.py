"""The coordinator's dashboard: what comes up in their workspaces and the way into every app."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.permissions import coordinator_workspaces, is_coordinator
from home.selectors import upcoming_activities


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(user=request.user):
        # Partner editors sign in to the same place; their home is their partners' list.
        if request.user.edited_partners.exists():
            return redirect("network:manage_partners")
        raise PermissionDenied
    workspaces = coordinator_workspaces(user=request.user).prefetch_related("neighbourhoods")
    return render(
        request,
        "home/dashboard.html",
        {"workspaces": workspaces, "upcoming": upcoming_activities(workspaces=workspaces)},
    )
