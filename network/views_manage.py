"""Coordinator pages (/manage/...) for keeping the partner network: partners, contacts,
neighbourhoods, themes, CSV import and export.

Everything is scoped to the user's workspaces: another workspace's objects answer 404.
Partner editors reach only their own partners' profiles and contacts.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import chosen_workspace, coordinator_workspaces, is_coordinator
from network.access import editable_partners
from network.forms import (
    ContactForm,
    ImportForm,
    NeighbourhoodForm,
    PartnerForm,
    ThemeForm,
    VisitingWindowFormSet,
    windows_from_formset,
)
from network.maps import partners_map
from network.models import Contact, Neighbourhood, Partner, Theme
from network.placement import placement_warnings
from network.services import (
    CSV_COLUMN_HELP,
    CSV_COLUMNS,
    CSV_REQUIRED,
    PartnerImportError,
    create_partner,
    deactivate_partner,
    export_partners_csv,
    import_partners_csv,
    reactivate_partner,
    save_contact,
    save_neighbourhood,
    save_theme,
    template_csv,
    update_partner,
)

DEFAULT_CENTRE = (52.3676, 4.9041)  # Amsterdam, for a workspace without neighbourhoods yet


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on top when not a field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(user=request.user):
        raise PermissionDenied


def _is_coordinator_of(request: HttpRequest, partner: Partner) -> bool:
    return coordinator_workspaces(user=request.user).filter(pk=partner.workspace_id).exists()


# --- partners ------------------------------------------------------------------------------


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = (
        editable_partners(user=request.user)
        .select_related("workspace")
        .annotate(contact_count=Count("contacts", distinct=True))
        .order_by("-is_active", "name")
    )
    coordinator = is_coordinator(user=request.user)
    if not coordinator and not partners:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return render(
        request,
        "network/manage/partner_list.html",
        {"partners": partners, "is_coordinator": coordinator, "q": q},
    )


def _warn_about_placement(request: HttpRequest, partner: Partner) -> None:
    for warning in placement_warnings(
        lat=partner.latitude, lon=partner.longitude, neighbourhoods=partner.neighbourhoods.all()
    ):
        messages.warning(request, warning)


def _place_map(
    *, lat: float | None, lon: float | None, workspace_ids: list[int], chosen: list | None = None
):
    if lat is None or lon is None:
        # Open on the neighbourhood the editor chose, else the workspace's first.
        neighbourhoods = Neighbourhood.objects.filter(workspace_id__in=workspace_ids)
        neighbourhood = (
            neighbourhoods.filter(pk__in=[c for c in chosen or [] if str(c).isdigit()]).first()
            or neighbourhoods.first()
        )
        centre = (
            (neighbourhood.latitude, neighbourhood.longitude) if neighbourhood else DEFAULT_CENTRE
        )
    else:
        centre = (lat, lon)
    return partners_map(partners=[], centre=centre, zoom=16)


def _partner_form_page(
    request: HttpRequest, *, partner: Partner | None, form: PartnerForm, formset
) -> HttpResponse:
    workspace_ids = (
        [partner.workspace_id] if partner else [w.pk for w in form.fields["workspace"].queryset]
    )
    lat = form["latitude"].value()
    lon = form["longitude"].value()
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = lon = None
    return render(
        request,
        "network/manage/partner_form.html",
        {
            "partner": partner,
            "form": form,
            "formset": formset,
            "map": _place_map(
                lat=lat,
                lon=lon,
                workspace_ids=workspace_ids,
                chosen=form["neighbourhoods"].value(),
            ),
        },
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    workspaces = coordinator_workspaces(user=request.user)
    form = PartnerForm(request.POST or None, workspaces=workspaces)
    formset = VisitingWindowFormSet(request.POST or None, instance=Partner(), prefix="windows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            partner = create_partner(
                workspace=form.cleaned_data["workspace"],
                fields=form.profile_fields(),
                themes=form.cleaned_data["themes"],
                neighbourhoods=form.cleaned_data["neighbourhoods"],
                windows=windows_from_formset(formset),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Partner %(name)s added.") % {"name": partner.name})
            _warn_about_placement(request, partner)
            return redirect("network:manage_partners")
    return _partner_form_page(request, partner=None, form=form, formset=formset)


@login_required
def partner_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(editable_partners(user=request.user), slug=slug)
    form = PartnerForm(request.POST or None, instance=partner, workspaces=None)
    formset = VisitingWindowFormSet(request.POST or None, instance=partner, prefix="windows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            update_partner(
                partner=partner,
                fields=form.profile_fields(),
                themes=form.cleaned_data["themes"],
                neighbourhoods=form.cleaned_data["neighbourhoods"],
                windows=windows_from_formset(formset),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Partner %(name)s saved.") % {"name": partner.name})
            _warn_about_placement(request, partner)
            return redirect(partner.get_absolute_url())
    return _partner_form_page(request, partner=partner, form=form, formset=formset)


@require_POST
@login_required
def partner_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(
        Partner, slug=slug, workspace__in=coordinator_workspaces(user=request.user)
    )
    deactivate_partner(partner=partner)
    messages.success(
        request, _("%(name)s is no longer on the public map.") % {"name": partner.name}
    )
    return redirect("network:manage_partners")


@require_POST
@login_required
def partner_activate(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(
        Partner, slug=slug, workspace__in=coordinator_workspaces(user=request.user)
    )
    reactivate_partner(partner=partner)
    messages.success(request, _("%(name)s is back on the public map.") % {"name": partner.name})
    return redirect("network:manage_partners")


# --- contacts ------------------------------------------------------------------------------


@login_required
def contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(editable_partners(user=request.user), slug=slug)
    form = ContactForm(request.POST or None, instance=Contact(partner=partner))
    if request.method == "POST" and form.is_valid():
        try:
            contact = save_contact(partner=partner, fields=_contact_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return redirect("network:manage_contacts", slug=partner.slug)
    return render(
        request,
        "network/manage/contact_list.html",
        {"partner": partner, "contacts": partner.contacts.all(), "form": form},
    )


def _contact_fields(form: ContactForm) -> dict:
    return {f: form.cleaned_data[f] for f in ContactForm.Meta.fields}


def _editable_contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("partner"),
        pk=pk,
        partner__in=editable_partners(user=request.user),
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _editable_contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            save_contact(partner=contact.partner, contact=contact, fields=_contact_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            return redirect("network:manage_contacts", slug=contact.partner.slug)
    return render(request, "network/manage/contact_form.html", {"contact": contact, "form": form})


@require_POST
@login_required
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _editable_contact(request, pk)
    slug = contact.partner.slug
    contact.delete()
    messages.success(request, _("Contact %(name)s removed.") % {"name": contact.name})
    return redirect("network:manage_contacts", slug=slug)


# --- neighbourhoods and themes -------------------------------------------------------------


@login_required
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    neighbourhoods = (
        Neighbourhood.objects.filter(workspace__in=coordinator_workspaces(user=request.user))
        .select_related("workspace")
        .annotate(partner_count=Count("partners"))
    )
    return render(
        request, "network/manage/neighbourhood_list.html", {"neighbourhoods": neighbourhoods}
    )


@login_required
def neighbourhood_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    _require_coordinator(request)
    workspaces = coordinator_workspaces(user=request.user)
    neighbourhood = (
        get_object_or_404(Neighbourhood, slug=slug, workspace__in=workspaces) if slug else None
    )
    form = NeighbourhoodForm(request.POST or None, instance=neighbourhood, workspaces=workspaces)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in NeighbourhoodForm.Meta.fields}
        fields["boundary"] = form.cleaned_data.get("boundary") or None
        try:
            neighbourhood = save_neighbourhood(
                workspace=neighbourhood.workspace
                if neighbourhood
                else form.cleaned_data["workspace"],
                neighbourhood=neighbourhood,
                fields=fields,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Neighbourhood %(name)s saved.") % {"name": neighbourhood.name}
            )
            return redirect("network:manage_neighbourhoods")
    lat, lon = form["latitude"].value(), form["longitude"].value()
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = lon = None
    return render(
        request,
        "network/manage/neighbourhood_form.html",
        {
            "neighbourhood": neighbourhood,
            "form": form,
            "map": _place_map(lat=lat, lon=lon, workspace_ids=[w.pk for w in workspaces]),
        },
    )


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    themes = Theme.objects.annotate(partner_count=Count("partners"))
    return render(request, "network/manage/theme_list.html", {"themes": themes})


@login_required
def theme_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    _require_coordinator(request)
    theme = get_object_or_404(Theme, slug=slug) if slug else None
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in ("name", "name_en", "slug", "dimensions")}
        try:
            theme = save_theme(theme=theme, fields=fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Theme %(name)s saved.") % {"name": theme.name})
            return redirect("network:manage_themes")
    return render(request, "network/manage/theme_form.html", {"theme": theme, "form": form})


# --- import and export ---------------------------------------------------------------------


@login_required
def partner_import(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    workspaces = coordinator_workspaces(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, workspaces=workspaces)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("Save the file as UTF-8 CSV."))
        else:
            try:
                result = import_partners_csv(workspace=form.cleaned_data["workspace"], file=text)
            except PartnerImportError as exc:
                row_errors = exc.errors
                form.add_error(
                    None,
                    _("Nothing was imported: %(count)s problems in the file.")
                    % {"count": len(exc.errors)},
                )
            else:
                messages.success(
                    request,
                    _("Import complete: %(created)s partners added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("network:manage_partners")
    return render(
        request,
        "network/manage/partner_import.html",
        {
            "form": form,
            "row_errors": row_errors,
            "columns": [(c, c in CSV_REQUIRED, CSV_COLUMN_HELP[c]) for c in CSV_COLUMNS],
        },
    )


def _export_workspace(request: HttpRequest):
    return chosen_workspace(user=request.user, slug=request.GET.get("workspace"))


@login_required
def partner_export(request: HttpRequest) -> HttpResponse:
    workspace = _export_workspace(request)
    out = io.StringIO()
    export_partners_csv(workspace=workspace, out=out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partners-{workspace.slug}.csv"'
    return response


def partner_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partners-template.csv"'
    return response
