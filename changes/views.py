"""Pages of the change workflow: the confirmation before a change that notifies people,
cancelling (with a reason) and undoing it, deleting a draft, the change history and
messages to groups of registrants. Thin: everything goes through changes.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Activity
from changes import services
from changes.forms import GroupMessageForm, ReasonForm
from changes.models import PendingRecheck
from core.permissions import coordinator_workspaces


def manage_url(activity: Activity) -> str:
    """The coordinator's page of this activity, whatever its kind."""
    if activity.kind == Activity.Kind.TOUR:
        return reverse("tours:manage_editor", kwargs={"pk": activity.pk})
    return reverse("knowledge_sessions:manage_edit", kwargs={"pk": activity.pk})


def _managed(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(
        Activity, pk=pk, workspace__in=coordinator_workspaces(user=request.user)
    )


def confirmation_page(
    request: HttpRequest,
    *,
    activity: Activity,
    preview: services.Preview,
    back_url: str,
    dates: int = 1,
) -> HttpResponse:
    """ "3 registrants and 2 partners will be notified: …" with the coordinator's own input
    carried along, so confirming posts exactly what they entered, once more, with confirm."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "changes/confirm_change.html",
        {
            "activity": activity,
            "preview": preview,
            "carried": carried,
            "action": request.get_full_path(),
            "back_url": back_url,
            "dates": dates,
        },
    )


def notified_message(preview: services.Preview) -> str:
    return _("Saved. %(people)s and %(partners)s are being told what changed.") % {
        "people": ngettext("%(count)d registrant", "%(count)d registrants", preview.registrants)
        % {"count": preview.registrants},
        "partners": ngettext("%(count)d partner", "%(count)d partners", preview.partners)
        % {"count": preview.partners},
    }


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_activity(
                activity_id=activity.pk, reason=form.cleaned_data["reason"], user=request.user
            )
        except services.ChangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cancelled. Everyone concerned is being told."))
        return redirect(manage_url(activity))
    preview = services.preview_cancellation(activity=activity)
    return render(
        request,
        "changes/cancel.html",
        {
            "activity": activity,
            "form": form,
            "preview": preview,
            "published": activity.status == Activity.Status.PUBLISHED,
            "back_url": manage_url(activity),
        },
    )


@login_required
def reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    if request.method == "POST":
        try:
            services.reinstate_activity(activity_id=activity.pk, user=request.user)
        except services.ChangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("It goes ahead after all. Everyone is being told."))
        return redirect(manage_url(activity))
    return render(
        request,
        "changes/reinstate.html",
        {
            "activity": activity,
            "refusal": services.reinstatement_refusal(activity=activity),
            "preview": services.preview_cancellation(activity=activity),
            "back_url": manage_url(activity),
        },
    )


@login_required
def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    if request.method == "POST":
        try:
            kind = services.delete_draft(activity_id=activity.pk)
        except services.ChangeError as error:
            messages.error(request, error.message)
            return redirect(manage_url(activity))
        messages.success(request, _("Draft deleted."))
        if kind == Activity.Kind.TOUR:
            return redirect("tours:manage_list")
        return redirect("knowledge_sessions:manage_list")
    return render(
        request,
        "changes/delete.html",
        {
            "activity": activity,
            "refusal": services.deletion_refusal(activity=activity),
            "back_url": manage_url(activity),
        },
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    return render(
        request,
        "changes/history.html",
        {
            "activity": activity,
            "changes": services.history(activity=activity),
            "sent": services.sent_messages(activity=activity),
            "back_url": manage_url(activity),
        },
    )


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to a group; preview it, send it to yourself first, then to the group."""
    from changes import tasks

    activity = _managed(request, pk)
    form = GroupMessageForm(request.POST or None, initial={"group": request.GET.get("group")})
    sizes = services.group_sizes(activity_id=activity.pk)
    form.fields["group"].choices = [
        (value, f"{label} ({sizes[value]})") for value, label in form.fields["group"].choices
    ]
    preview_text = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = request.POST.get("step", "preview")
        if step == "send":
            try:
                sent = services.send_group_message(
                    activity_id=activity.pk,
                    group=data["group"],
                    subject=data["subject"],
                    body=data["body"],
                    user=request.user,
                )
            except services.ChangeError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Message sent to %(count)d person.",
                        "Message sent to %(count)d people.",
                        sent.recipients,
                    )
                    % {"count": sent.recipients},
                )
                return redirect("changes:message", pk=activity.pk)
        else:
            test = tasks.test_message(
                activity=activity, user=request.user, subject=data["subject"], body=data["body"]
            )
            preview_text = test.body
            if step == "test":
                if request.user.email:
                    test.send()
                    messages.success(
                        request, _("Test sent to %(email)s.") % {"email": request.user.email}
                    )
                else:
                    messages.error(request, _("Your account has no e-mail address."))
    return render(
        request,
        "changes/message.html",
        {
            "activity": activity,
            "form": form,
            "preview_text": preview_text,
            "sizes": sizes,
            "sent": services.sent_messages(activity=activity),
            "back_url": manage_url(activity),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@login_required
def rechecks(request: HttpRequest) -> HttpResponse:
    """Upcoming tours that a partner's change has moved or broken, with what would change."""
    if request.method == "POST":
        recheck = get_object_or_404(
            PendingRecheck,
            pk=request.POST.get("recheck"),
            activity__workspace__in=coordinator_workspaces(user=request.user),
        )
        if request.POST.get("dismiss"):
            PendingRecheck.objects.filter(pk=recheck.pk).delete()
            messages.success(request, _("Dismissed; the tour keeps its schedule."))
            return redirect("changes:rechecks")
        from tours.services import TourError

        try:
            preview = services.confirm_recheck(recheck_id=recheck.pk, user=request.user)
        except (TourError, services.ChangeError) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, notified_message(preview))
        return redirect("changes:rechecks")
    activities = Activity.objects.filter(workspace__in=coordinator_workspaces(user=request.user))
    return render(
        request,
        "changes/rechecks.html",
        {"rechecks": services.pending_rechecks(activities=activities)},
    )
