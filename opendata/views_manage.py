"""Coordinator pages of the open data: the HSDS export and import, stale entries, proposals."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Workspace
from core.permissions import chosen_workspace, coordinator_workspaces, is_coordinator
from opendata.forms import EmbedSettingsForm, HsdsImportForm
from opendata.imports import HsdsImportError, import_document
from opendata.models import ChangeProposal, PublishingSettings
from opendata.reviews import (
    approve_proposal,
    pending_proposals,
    proposal_diff,
    reject_proposal,
    stale_cutoff,
    stale_partners,
)
from opendata.services import export_workspace


def _coordinator_workspace(request: HttpRequest) -> Workspace:
    slug = request.GET.get("workspace") or request.POST.get("workspace")
    return chosen_workspace(user=request.user, slug=slug)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    workspace = _coordinator_workspace(request)
    data = export_workspace(workspace=workspace)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="hsds-{workspace.slug}.json"'
    return response


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Open data for coordinators: export, import, stale entries and proposed changes."""
    workspace = _coordinator_workspace(request)
    proposals = list(pending_proposals(workspace=workspace))
    publishing = PublishingSettings.objects.filter(workspace=workspace).first()
    embed_form = EmbedSettingsForm(
        initial={"frame_ancestors": publishing.frame_ancestors if publishing else ""}
    )
    return render(
        request,
        "opendata/manage/overview.html",
        {
            "workspace": workspace,
            "workspaces": coordinator_workspaces(user=request.user),
            "stale": stale_partners(workspace=workspace),
            "cutoff": stale_cutoff(),
            "months": settings.PARTNER_REVIEW_MONTHS,
            "proposals": [(p, proposal_diff(proposal=p)) for p in proposals],
            "embed_form": embed_form,
            "embed_url": request.build_absolute_uri(
                reverse("opendata:refer_embed", kwargs={"workspace": workspace.slug})
            ),
        },
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    workspaces = coordinator_workspaces(user=request.user)
    form = HsdsImportForm(request.POST or None, request.FILES or None, workspaces=workspaces)
    problems, report = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.HSDS_IMPORT_MAX_BYTES:
            data = b"x" * (settings.HSDS_IMPORT_MAX_BYTES + 1)
        else:
            data = upload.read()
        try:
            report = import_document(
                workspace=form.cleaned_data["workspace"],
                data=data,
                dry_run=form.cleaned_data["dry_run"],
            )
        except HsdsImportError as exc:
            problems = exc.problems
            form.add_error(
                None,
                _("Nothing was imported: %(count)s problems in the file.")
                % {"count": len(problems)},
            )
        else:
            if not report.dry_run:
                messages.success(
                    request,
                    _("Import complete: %(created)s partners added, %(updated)s updated.")
                    % {"created": report.count("create"), "updated": report.count("update")},
                )
                return redirect("opendata:overview")
    return render(
        request,
        "opendata/manage/import.html",
        {"form": form, "problems": problems, "report": report},
    )


@login_required
@require_POST
def decide_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    proposal = get_object_or_404(
        ChangeProposal.objects.select_related("partner"),
        pk=pk,
        status=ChangeProposal.Status.PENDING,
        partner__workspace__in=coordinator_workspaces(user=request.user),
    )
    if request.POST.get("decision") == "approve":
        try:
            approve_proposal(proposal=proposal, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The changes are published."))
    else:
        reject_proposal(proposal=proposal, user=request.user)
        messages.success(request, _("The proposal is rejected."))
    url = reverse("opendata:overview") + f"?workspace={proposal.partner.workspace.slug}"
    return redirect(url)


@login_required
@require_POST
def embed_settings(request: HttpRequest) -> HttpResponse:
    workspace = _coordinator_workspace(request)
    form = EmbedSettingsForm(request.POST)
    if form.is_valid():
        PublishingSettings.objects.update_or_create(
            workspace=workspace, defaults={"frame_ancestors": form.cleaned_data["frame_ancestors"]}
        )
        messages.success(request, _("The list of sites is saved."))
    else:
        for error in form.errors["frame_ancestors"]:
            messages.error(request, error)
    return redirect(reverse("opendata:overview") + f"?workspace={workspace.slug}")
