from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import coordinator_workspaces, is_coordinator
from privacy import services
from privacy.forms import EraseForm, PersonForm
from privacy.models import AuditEntry


def _require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    scope = Q(workspace__in=coordinator_workspaces(user=request.user))
    if request.user.is_superuser:
        scope |= Q(workspace=None)  # shared themes and erasures outside any workspace
    entries = (
        AuditEntry.objects.filter(scope)
        .select_related("actor", "workspace")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/audit.html", {"page": page})


@login_required
@require_http_methods(["GET"])
def person_lookup(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    workspaces = coordinator_workspaces(user=request.user)
    form = PersonForm(request.GET or None)
    records = None
    if form.is_valid():
        records = services.export_person(email=form.cleaned_data["email"], workspaces=workspaces)
    return render(
        request,
        "privacy/person.html",
        {
            "form": form,
            "records": records,
            "erase_form": EraseForm(initial=form.cleaned_data) if records else None,
        },
    )


def _export(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _require_coordinator(request)
    form = PersonForm(request.GET)
    if not form.is_valid():
        return render(request, "privacy/person.html", {"form": form}, status=400)
    records = services.export_person(
        email=form.cleaned_data["email"], workspaces=coordinator_workspaces(user=request.user)
    )
    if fmt == "json":
        body, content_type = services.export_json(records=records), "application/json"
    else:
        body, content_type = services.export_csv(records=records), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="person-export.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return _export(request, fmt="json")


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, fmt="csv")


@login_required
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "privacy/person.html",
            {
                "form": PersonForm(initial={"email": request.POST.get("email", "")}),
                "erase_form": form,
                "records": [],
            },
            status=400,
        )
    erased = services.erase_person(
        email=form.cleaned_data["email"],
        actor=request.user,
        workspaces=coordinator_workspaces(user=request.user),
    )
    messages.success(
        request,
        _("%(count)d registration(s) anonymised. Counts and grades are kept.") % {"count": erased},
    )
    return redirect("privacy:person")
