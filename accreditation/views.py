"""Pages: the coordinator's accreditation settings and presence page with its downloads, the
"left early" form on the check-in page, the public verification page and the registrant's
certificate download. Views validate and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import documents, pe_online, services
from accreditation.forms import AccreditationFormSet, BreakFormSet, DepartureForm
from accreditation.models import Accreditation
from accreditation.registries import Registry
from activities.models import Activity
from activities.services import registration_for_cancel_token
from core.permissions import coordinator_workspaces
from privacy.services import record


def audit(request: HttpRequest, activity: Activity, action: str) -> None:
    """Downloads with registry numbers are personal data leaving the system: log who, not whom."""
    record(
        actor=request.user,
        workspace=activity.workspace_id,
        action=action,
        obj=activity,
        summary=f"{action.replace('_', ' ')}: “{activity.title}”",
    )


def managed_activity(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("workspace"),
        pk=pk,
        workspace__in=coordinator_workspaces(user=request.user),
    )


@login_required
def settings_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    data = request.POST if request.method == "POST" else None
    accreditations = AccreditationFormSet(data, instance=activity, prefix="accreditations")
    breaks = BreakFormSet(data, instance=activity, prefix="breaks")
    if request.method == "POST" and accreditations.is_valid() and breaks.is_valid():
        with transaction.atomic():
            accreditations.save()
            breaks.save()
        messages.success(request, _("Accreditation saved."))
        return redirect("accreditation:settings", pk=activity.pk)
    return render(
        request,
        "accreditation/manage/settings.html",
        {"activity": activity, "accreditations": accreditations, "breaks": breaks},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def presence_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    data = services.presence(activity=activity)
    lists = [
        {
            "accreditation": a,
            "label": Registry(a.registry).label,
            "text": documents.paste_list(data=data, registry=a.registry),
            "count": len(data.numbers_for(a.registry)),
        }
        for a in data.accreditations
    ]
    return render(
        request,
        "accreditation/manage/presence.html",
        {
            "activity": activity,
            "data": data,
            "lists": lists,
            "is_started": activity.starts_at <= timezone.now(),
            "webservice": pe_online.configured(workspace=activity.workspace),
        },
    )


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def presence_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    pdf = documents.presence_pdf(data=services.presence(activity=activity))
    audit(request, activity, "presence_exported")
    return _attachment(pdf, "application/pdf", f"presentielijst-{activity.pk}.pdf")


@login_required
def presence_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    content = documents.presence_xlsx(data=services.presence(activity=activity))
    audit(request, activity, "presence_exported")
    return _attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"presentielijst-{activity.pk}.xlsx",
    )


@login_required
def presence_txt(request: HttpRequest, pk: int) -> HttpResponse:
    """The paste-ready list of one registry (?registry=big; the first one by default)."""
    activity = managed_activity(request, pk)
    data = services.presence(activity=activity)
    registry = request.GET.get("registry") or (
        data.accreditations[0].registry if data.accreditations else ""
    )
    if registry and data.accreditation(registry) is None:
        raise Http404
    text = documents.paste_list(data=data, registry=registry) if registry else ""
    audit(request, activity, "presence_exported")
    return _attachment(
        text, "text/plain; charset=utf-8", f"presentie-{registry or 'leeg'}-{activity.pk}.txt"
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    try:
        _closure, issued = services.close_attendance(activity_id=activity.pk, actor=request.user)
    except services.AccreditationError as error:
        messages.error(request, error.message)
    else:
        audit(request, activity, "attendance_closed")
        messages.success(
            request,
            _("Attendance closed; %(count)d certificate(s) issued and being mailed.")
            % {"count": len(issued)},
        )
    return redirect("accreditation:presence", pk=activity.pk)


@login_required
@require_POST
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    accreditation = get_object_or_404(
        Accreditation, activity=activity, registry=request.POST.get("registry", "")
    )
    services.mark_presence_submitted(accreditation=accreditation)
    messages.success(
        request,
        _("Presence for %(registry)s marked as submitted.")
        % {"registry": accreditation.get_registry_display()},
    )
    return redirect("accreditation:presence", pk=activity.pk)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    accreditation = get_object_or_404(
        Accreditation, activity=activity, registry=request.POST.get("registry", "")
    )
    try:
        result = pe_online.submit_presence(accreditation=accreditation)
    except pe_online.WebserviceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Sent to PE-online: %(accepted)d accepted, %(rejected)d rejected, %(skipped)d "
                "already accepted before."
            )
            % {
                "accepted": result.accepted,
                "rejected": result.rejected,
                "skipped": result.skipped,
            },
        )
    return redirect("accreditation:presence", pk=activity.pk)


@login_required
@require_POST
def departure(request: HttpRequest, pk: int) -> HttpResponse:
    activity = managed_activity(request, pk)
    form = DepartureForm(request.POST, activity=activity)
    if form.is_valid():
        registration = form.cleaned_data["registration"]
        try:
            services.record_departure(
                registration_id=registration.pk, left_at=form.left_at_datetime()
            )
        except services.AccreditationError as error:
            messages.error(request, error.message)
        else:
            left = form.cleaned_data.get("left_at")
            messages.success(
                request,
                (
                    _("%(name)s left at %(time)s.") % {"name": registration.name, "time": left}
                    if left
                    else _("%(name)s stayed until the end.") % {"name": registration.name}
                ),
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("activities:check_in", pk=activity.pk)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate with name, activity, date and points, nothing more."""
    certificate = services.certificate_for_code(code=code)
    if certificate is None:
        raise Http404
    response = render(
        request,
        "accreditation/verify.html",
        {
            "certificate": certificate,
            "registration": certificate.registration,
            "activity": certificate.registration.activity,
            "code": services.format_code(certificate.code),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def registrant_certificate(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant downloads their certificate again from their personal page."""
    registration = registration_for_cancel_token(token=token)
    certificate = services.current_certificate(registration=registration) if registration else None
    if certificate is None:
        raise Http404
    certificate.registration = registration
    pdf = documents.certificate_pdf(certificate=certificate)
    response = _attachment(pdf, "application/pdf", f"certificaat-{certificate.code}.pdf")
    response["X-Robots-Tag"] = "noindex"
    return response
