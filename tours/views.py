"""Tour pages: the public tour page, programme and GPX, and the coordinator's editor.

Views validate input, call tours.services and turn a TourError into a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import Activity
from changes import services as change_services
from changes.models import PendingRecheck
from changes.views import confirmation_page, notified_message
from core.permissions import coordinator_workspaces, is_coordinator
from network.models import Partner
from tours import forms, services
from tours.gpx import tour_gpx
from tours.maps import candidates_map, tour_map
from tours.models import Stop, Tour


def _stops(tour: Tour):
    return list(
        tour.stops.select_related("partner", "host").order_by("position"),
    )


def _can_see_hosts(request: HttpRequest, tour: Tour) -> bool:
    return coordinator_workspaces(user=request.user).filter(pk=tour.workspace_id).exists()


def _public_tour(request: HttpRequest, pk: int) -> Tour:
    tour = get_object_or_404(Tour.objects.select_related("neighbourhood"), pk=pk)
    if tour.status == Activity.Status.DRAFT and not _can_see_hosts(request, tour):
        raise Http404
    return tour


def _stop_rows(stops: list[Stop]) -> tuple[list[Stop], list[Stop]]:
    scheduled = [stop for stop in stops if stop.arrives_at is not None]
    unscheduled = [stop for stop in stops if stop.arrives_at is None]
    return scheduled, unscheduled


def _problems(tour: Tour) -> list[str]:
    return [services.problem_message(problem) for problem in tour.route_problems]


def tour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _public_tour(request, pk)
    stops = _stops(tour)
    scheduled, _unscheduled = _stop_rows(stops)
    return render(
        request,
        "tours/tour_detail.html",
        {
            "tour": tour,
            "stops": scheduled,
            "show_hosts": _can_see_hosts(request, tour),
            "map": tour_map(tour, scheduled) if scheduled else None,
            "themes": list(tour.themes.all()),
        },
    )


def tour_programme(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _public_tour(request, pk)
    scheduled, _unscheduled = _stop_rows(_stops(tour))
    return render(
        request,
        "tours/programme.html",
        {
            "tour": tour,
            "stops": scheduled,
            "show_hosts": _can_see_hosts(request, tour),
            "map": tour_map(tour, scheduled) if scheduled else None,
        },
    )


def tour_route_gpx(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _public_tour(request, pk)
    scheduled, _unscheduled = _stop_rows(_stops(tour))
    if not scheduled:
        raise Http404
    response = HttpResponse(tour_gpx(tour, scheduled), content_type="application/gpx+xml")
    filename = slugify(tour.title) or f"tour-{tour.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.gpx"'
    return response


# --- coordinator pages -----------------------------------------------------------------------


def _coordinator(view):
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_coordinator(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _own_tour(request: HttpRequest, pk: int) -> Tour:
    """The tour if it lives in one of the user's workspaces; 404 otherwise (no hint it exists)."""
    return get_object_or_404(
        Tour.objects.select_related("neighbourhood", "workspace"),
        pk=pk,
        workspace__in=coordinator_workspaces(user=request.user),
    )


def _report(request: HttpRequest, error: services.TourError) -> None:
    if not error.fixes:
        messages.error(request, error.message)
        return
    # Each problem on its own line, with a link to where it is fixed.
    items = format_html_join(
        "",
        '<li>{} <a href="{}">{}</a></li>',
        ((fix.problem, fix.url, _("Fix this")) for fix in error.fixes),
    )
    messages.error(request, format_html("{}<ul>{}</ul>", _("Not published yet:"), items))


@_coordinator
def manage_list(request: HttpRequest) -> HttpResponse:
    tours = (
        Tour.objects.filter(workspace__in=coordinator_workspaces(user=request.user))
        .select_related("neighbourhood")
        .annotate(stop_count=Count("stops"))
        .order_by("-starts_at")
    )
    rechecks = (
        PendingRecheck.objects.filter(
            activity__workspace__in=coordinator_workspaces(user=request.user)
        )
        .values("activity_id")
        .distinct()
        .count()
    )
    return render(request, "tours/manage/list.html", {"tours": tours, "rechecks": rechecks})


@_coordinator
def manage_create(request: HttpRequest) -> HttpResponse:
    workspaces = coordinator_workspaces(user=request.user)
    form = forms.TourForm(request.POST or None, workspaces=workspaces)
    if request.method == "POST" and form.is_valid():
        details = form.details()
        neighbourhood = details.pop("neighbourhood")
        try:
            tour = services.create_tour(
                workspace=neighbourhood.workspace,
                coordinator=request.user,
                title=details.pop("title"),
                starts_at=details.pop("starts_at"),
                neighbourhood=neighbourhood,
                themes=form.cleaned_data["themes"],
                **details,
            )
        except services.TourError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Tour created. Now pick the partners to visit."))
            return redirect("tours:manage_stops", pk=tour.pk)
    return render(request, "tours/manage/form.html", {"form": form, "tour": None})


@_coordinator
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    workspaces = coordinator_workspaces(user=request.user)
    form = forms.TourForm(request.POST or None, instance=tour, workspaces=workspaces)
    version = request.POST.get("version") or change_services.version_of(tour)
    if request.method == "POST" and form.is_valid():
        details = form.details()
        themes = form.cleaned_data["themes"]
        # The form has already written its values onto the instance; start from the database.
        tour = _own_tour(request, pk)
        outcome = _change(
            request,
            tour,
            lambda: services.update_tour(tour=_own_tour(request, pk), themes=themes, **details),
            version=request.POST.get("version") or None,
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome is not None:
            form.add_error(outcome.field if outcome.field in form.fields else None, outcome.message)
    return render(
        request, "tours/manage/form.html", {"form": form, "tour": tour, "version": version}
    )


def _change(request: HttpRequest, tour: Tour, apply, *, version: str | None = None, success=None):
    """Run a change through the change workflow: a response (the confirmation page, or back
    to the editor once saved) or the error to show on the form."""
    try:
        preview = change_services.change_activity(
            activity_id=tour.pk,
            apply=apply,
            user=request.user,
            confirmed=request.POST.get("confirm") == "1",
            version=version,
        )
    except change_services.ConfirmationNeeded as need:
        return confirmation_page(
            request,
            activity=tour,
            preview=need.preview,
            back_url=reverse("tours:manage_editor", kwargs={"pk": tour.pk}),
        )
    except (services.TourError, change_services.ChangeError) as error:
        return error
    messages.success(
        request, notified_message(preview) if preview.lines else (success or _("Tour saved."))
    )
    return redirect("tours:manage_editor", pk=tour.pk)


@_coordinator
def manage_editor(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    stops = _stops(tour)
    scheduled, unscheduled = _stop_rows(stops)
    return render(
        request,
        "tours/manage/editor.html",
        {
            "tour": tour,
            "stops": stops,
            "scheduled": scheduled,
            "unscheduled": unscheduled,
            "problems": _problems(tour) + services.group_size_problems(tour=tour, stops=stops),
            "rechecks": change_services.pending_rechecks(activities=[tour]),
            "map": tour_map(tour, scheduled) if scheduled else None,
            "duplicate_form": forms.DuplicateForm(),
        },
    )


def _candidates(tour: Tour):
    partners = Partner.objects.filter(workspace_id=tour.workspace_id, is_active=True)
    if tour.neighbourhood_id:
        partners = partners.filter(neighbourhoods=tour.neighbourhood_id)
    return partners.prefetch_related(Prefetch("themes"), Prefetch("visiting_windows")).order_by(
        "name"
    )


@_coordinator
def manage_stops(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    partners = _candidates(tour)
    current = list(tour.stops.order_by("position").values_list("partner_id", flat=True))
    initial = {"partners": current, "visit_minutes": 30}
    if request.method == "GET" and request.GET.getlist("partners"):
        initial["partners"] = request.GET.getlist("partners")
    form = forms.StopPickForm(request.POST or None, partners=partners, initial=initial)
    if request.method == "POST" and form.is_valid():
        picked = {partner.pk for partner in form.cleaned_data["partners"]}
        # Keep the current order for partners already on the tour; new ones go last.
        ordered = [pk for pk in current if pk in picked]
        ordered += [p.pk for p in partners if p.pk in picked and p.pk not in ordered]
        replaced = _replaced_stops(tour, picked)
        if request.POST.get("from_suggestion") and replaced and not request.POST.get("replace"):
            return render(
                request,
                "tours/manage/replace_confirm.html",
                {
                    "tour": tour,
                    "replaced": replaced,
                    "carried": [
                        (name, value)
                        for name in request.POST
                        if name not in ("csrfmiddlewaretoken", "replace")
                        for value in request.POST.getlist(name)
                    ],
                },
            )
        visit_minutes = form.cleaned_data["visit_minutes"]
        outcome = _change(
            request,
            tour,
            lambda: services.set_stops(
                tour=_own_tour(request, pk), partner_ids=ordered, visit_minutes=visit_minutes
            ),
            success=_("Stops saved and route composed."),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        form.add_error(None, outcome.message)
    return render(
        request,
        "tours/manage/stops.html",
        {
            "tour": tour,
            "form": form,
            "partners": partners,
            "selected": {int(v) for v in form["partners"].value() or [] if str(v).isdigit()},
            "map": candidates_map(tour.neighbourhood, partners) if tour.neighbourhood else None,
        },
    )


def _replaced_stops(tour: Tour, picked: set[int]) -> list[Stop]:
    """Current stops a new pick would drop, with the host and notes that go with them."""
    return list(
        tour.stops.exclude(partner_id__in=picked)
        .select_related("partner", "host")
        .order_by("position")
    )


@_coordinator
def manage_stop(request: HttpRequest, pk: int, stop_pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    stop = get_object_or_404(Stop.objects.select_related("partner"), pk=stop_pk, tour=tour)
    form = forms.StopForm(request.POST or None, instance=stop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = _change(
            request,
            tour,
            lambda: services.update_stop(
                stop=get_object_or_404(Stop, pk=stop_pk, tour=tour),
                visit_minutes=data["visit_minutes"],
                host=data["host"],
                programme=data["programme"],
            ),
            success=_("Stop saved."),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        form.add_error(None, outcome.message)
    context = {"tour": tour, "stop": stop, "form": form}
    return render(request, "tours/manage/stop_form.html", context)


def _post_action(request: HttpRequest, tour: Tour, action, success: str) -> HttpResponse:
    try:
        action()
    except services.TourError as error:
        _report(request, error)
    else:
        messages.success(request, success)
    return redirect("tours:manage_editor", pk=tour.pk)


def _schedule_action(request: HttpRequest, tour: Tour, action, success: str) -> HttpResponse:
    """A new order asked for by the coordinator: on a published tour, confirmed first."""
    outcome = _change(request, tour, action, success=success)
    if isinstance(outcome, HttpResponse):
        return outcome
    _report(request, outcome)
    return redirect("tours:manage_editor", pk=tour.pk)


@require_POST
@_coordinator
def manage_compose(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    return _schedule_action(
        request,
        tour,
        lambda: services.use_best_order(tour=_own_tour(request, pk)),
        _("Route composed."),
    )


@require_POST
@_coordinator
def manage_move(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    try:
        stop_id = int(request.POST.get("stop", ""))
        offset = {"up": -1, "down": 1}[request.POST.get("direction", "")]
    except (ValueError, KeyError):
        messages.error(request, _("Choose a stop and a direction."))
        return redirect("tours:manage_editor", pk=tour.pk)
    return _schedule_action(
        request,
        tour,
        lambda: services.move_stop(tour=_own_tour(request, pk), stop_id=stop_id, offset=offset),
        _("Order changed; times recomputed."),
    )


@require_POST
@_coordinator
def manage_publish(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    return _post_action(
        request, tour, lambda: services.publish_tour(tour=tour), _("Tour published.")
    )


@require_POST
@_coordinator
def manage_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    try:
        change_services.cancel_activity(
            activity_id=tour.pk, reason=request.POST.get("reason", ""), user=request.user
        )
    except change_services.ChangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tour cancelled."))
    return redirect("tours:manage_editor", pk=tour.pk)


@require_POST
@_coordinator
def manage_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    form = forms.DuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date for the copy."))
        return redirect("tours:manage_editor", pk=tour.pk)
    try:
        copy = services.duplicate_tour(
            tour=tour, starts_on=form.cleaned_data["starts_on"], coordinator=request.user
        )
    except services.TourError as error:
        _report(request, error)
        return redirect("tours:manage_editor", pk=tour.pk)
    messages.success(request, _("Copy created as a draft."))
    return redirect("tours:manage_editor", pk=copy.pk)


@_coordinator
def manage_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    form = forms.SuggestForm(request.GET or None)
    suggestion = None
    if tour.neighbourhood is None:
        messages.error(request, _("Choose the tour's neighbourhood first."))
        return redirect("tours:manage_edit", pk=tour.pk)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggest_tour(
                neighbourhood=tour.neighbourhood,
                theme_ids=[theme.pk for theme in data["themes"]],
                starts_at=tour.starts_at,
                budget_minutes=data["budget_minutes"],
                start=services.meeting_point(tour),
                end=services.end_point(tour),
                min_stops=data["min_stops"],
                max_stops=data["max_stops"],
                visit_minutes=data["visit_minutes"],
                buffer_minutes=tour.leg_buffer_minutes,
            )
        except services.TourError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "tours/manage/suggest.html",
        {
            "tour": tour,
            "form": form,
            "suggestion": suggestion,
            "missing_themes": (
                [t for t in form.cleaned_data["themes"] if t.pk in suggestion.missing_theme_ids]
                if suggestion
                else []
            ),
        },
    )
