"""Kenniscafé pages: the public detail page and the coordinator's pages under /manage/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities.models import Activity
from activities.services import with_seats
from changes import services as change_services
from changes.views import confirmation_page, notified_message
from core.permissions import coordinator_workspaces
from sessions import services
from sessions.forms import KnowledgeSessionForm, SeriesForm, SessionEditForm
from sessions.models import KnowledgeSession


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        with_seats(KnowledgeSession.objects.all()).select_related(
            "neighbourhood", "venue_partner", "series"
        ),
        pk=pk,
        status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED],
    )
    return render(request, "sessions/session_detail.html", {"session": session})


def _workspace(request: HttpRequest):
    workspace = coordinator_workspaces(user=request.user).first()
    if workspace is None:
        raise PermissionDenied
    return workspace


def _managed(request: HttpRequest, pk: int) -> KnowledgeSession:
    return get_object_or_404(
        KnowledgeSession, pk=pk, workspace__in=coordinator_workspaces(user=request.user)
    )


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    sessions = (
        with_seats(
            KnowledgeSession.objects.filter(workspace__in=coordinator_workspaces(user=request.user))
        )
        .select_related("series", "neighbourhood")
        .order_by("-starts_at")
    )
    return render(request, "sessions/manage/list.html", {"sessions": sessions})


@login_required
def manage_create(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    form = KnowledgeSessionForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(
            workspace=workspace,
            data=form.session_data(),
            themes=form.cleaned_data["themes"],
            coordinator=request.user,
        )
        messages.success(request, _("Kenniscafé saved as draft."))
        return redirect("knowledge_sessions:manage_edit", pk=session.pk)
    return render(
        request,
        "sessions/manage/form.html",
        {"form": form, "heading": _("New kenniscafé")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def manage_series(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    form = SeriesForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(
                workspace=workspace,
                data=form.session_data(),
                frequency=form.cleaned_data["frequency"],
                count=form.cleaned_data["count"],
                themes=form.cleaned_data["themes"],
                coordinator=request.user,
            )
        except services.SessionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Series of %(count)d kenniscafés saved as drafts.")
                % {"count": series.sessions.count()},
            )
            return redirect("knowledge_sessions:manage_list")
    return render(
        request,
        "sessions/manage/form.html",
        {"form": form, "heading": _("New series of kenniscafés")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    form = SessionEditForm(request.POST or None, instance=session, workspace=session.workspace)
    if session.series_id is None:
        del form.fields["scope"]
    version = request.POST.get("version") or change_services.version_of(session)
    if request.method == "POST" and form.is_valid():
        session = KnowledgeSession.objects.get(pk=pk)
        data = form.session_data()
        themes = form.cleaned_data["themes"]
        if form.cleaned_data.get("scope") == "future":
            targets = services.series_changes(session=session, data=data)
        else:
            targets = [(pk, data)]
        try:
            # Each date is its own promise with its own notices; all dates or none.
            with transaction.atomic():
                previews = [
                    change_services.change_activity(
                        activity_id=target,
                        apply=lambda target=target, changes=changes: services.update_session(
                            session=KnowledgeSession.objects.get(pk=target),
                            data=changes,
                            themes=themes,
                            notify=False,
                        ),
                        user=request.user,
                        confirmed=request.POST.get("confirm") == "1",
                        version=(request.POST.get("version") or None) if target == pk else None,
                    )
                    for target, changes in targets
                ]
        except change_services.ConfirmationNeeded as need:
            return confirmation_page(
                request,
                activity=session,
                preview=need.preview,
                back_url=reverse("knowledge_sessions:manage_edit", kwargs={"pk": pk}),
                dates=len(targets),
            )
        except change_services.ChangeError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            told = [preview for preview in previews if preview.lines]
            if len(targets) > 1:
                messages.success(request, _("%(count)d dates updated.") % {"count": len(targets)})
            elif told:
                messages.success(request, notified_message(told[0]))
            else:
                messages.success(request, _("Kenniscafé saved."))
            return redirect("knowledge_sessions:manage_edit", pk=pk)
    return render(
        request,
        "sessions/manage/form.html",
        {"form": form, "session": session, "heading": _("Edit kenniscafé"), "version": version},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def manage_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    try:
        services.publish_session(session=session)
    except services.SessionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Kenniscafé published."))
    return redirect("knowledge_sessions:manage_edit", pk=pk)


@login_required
@require_POST
def manage_publish_series(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    if session.series_id is None:
        raise Http404
    try:
        count = services.publish_series(session=session)
    except services.SessionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)d date published.", "%(count)d dates published.", count)
            % {"count": count},
        )
    return redirect("knowledge_sessions:manage_edit", pk=pk)


@login_required
@require_POST
def manage_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    try:
        change_services.cancel_activity(
            activity_id=session.pk, reason=request.POST.get("reason", ""), user=request.user
        )
    except change_services.ChangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Kenniscafé cancelled; registrants have been informed."))
    return redirect("knowledge_sessions:manage_edit", pk=pk)


@login_required
@require_POST
def manage_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    copy = services.duplicate_session(session=session)
    messages.success(request, _("Copy saved as draft, one week later."))
    return redirect("knowledge_sessions:manage_edit", pk=copy.pk)
