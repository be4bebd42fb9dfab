"""Coordinator pages of the open data: the HSDS export and import, stale entries, proposals."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from core.models import Workspace
from core.permissions import coordinator_workspaces, is_coordinator
from opendata.services import export_workspace


def _coordinator_workspace(request: HttpRequest) -> Workspace:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    workspaces = coordinator_workspaces(user=request.user)
    slug = request.GET.get("workspace") or request.POST.get("workspace")
    if slug:
        return get_object_or_404(workspaces, slug=slug)
    workspace = workspaces.first()
    if workspace is None:
        raise PermissionDenied
    return workspace


@login_required
def export(request: HttpRequest) -> HttpResponse:
    workspace = _coordinator_workspace(request)
    data = export_workspace(workspace=workspace)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="hsds-{workspace.slug}.json"'
    return response
