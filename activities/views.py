"""Pages: the agenda, registering, the personal registration page and cancel link, and the
coordinator's attendee list, check-in and messages. Views validate and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import services
from activities.filters import ActivityFilter
from activities.forms import ManualRegistrationForm, RegistrationForm
from activities.models import Activity, Registration
from activities.ratelimit import over_limit, over_registration_limits
from core.permissions import coordinator_workspaces


def public_activities():
    return services.with_seats(
        Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__gte=timezone.now())
    ).order_by("starts_at", "pk")


def agenda(request: HttpRequest) -> HttpResponse:
    # A filter form sends every field, filled or not; the address keeps only the chosen ones
    # (shareable, readable), so empty parameters are redirected away.
    chosen = [(key, value) for key, values in request.GET.lists() for value in values if value]
    if len(chosen) != sum(len(values) for _key, values in request.GET.lists()):
        return redirect(f"{request.path}?{urlencode(chosen)}" if chosen else request.path)
    queryset = public_activities().select_related("neighbourhood").prefetch_related("themes")
    filterset = ActivityFilter(request.GET or None, queryset=queryset)
    activities = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/agenda.html",
        {
            "filter": filterset,
            "page": page,
            "activities": page,
            "query": query.urlencode(),
            "filtered": bool(query),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/privacy.html")


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "activities/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


def register(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.select_related("neighbourhood"),
        pk=pk,
        status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED],
    )
    refusal = services.registration_refusal(activity=activity)
    full = services.seat_counts(activity_id=activity.pk).seated >= activity.capacity
    if request.method == "GET" and refusal is None and full and not activity.waitlist_enabled:
        # Say so before anyone fills in the form, not after (a post still gets the 409).
        refusal = _("This activity is full and has no waiting list.")
    form = RegistrationForm(request.POST or None, activity=activity)
    if request.method == "POST":
        if over_limit(request, scope="register"):
            return _too_many(request)
        if refusal is None and form.is_valid():
            if over_registration_limits(email=form.cleaned_data["email"], activity_id=activity.pk):
                return _too_many(request)
            try:
                outcome = services.register(
                    activity_id=activity.pk,
                    registrant=form.registrant(language=get_language() or "nl"),
                )
            except services.ActivityFull as error:
                form.add_error(None, error.message)
                return render(
                    request,
                    "activities/register.html",
                    {"activity": activity, "form": form, "refusal": None},
                    status=409,
                )
            except services.RegistrationError as error:
                refusal = error.message
            else:
                return render(
                    request,
                    "activities/registered.html",
                    {
                        "activity": activity,
                        "status": outcome.status,
                        # Only a new registration: the page must not reveal a known address.
                        "registration": outcome.registration if outcome.created else None,
                    },
                    status=200,
                )
    return render(
        request,
        "activities/register.html",
        {"activity": activity, "form": form, "refusal": refusal, "full": full},
        status=400 if request.method == "POST" else 200,
    )


def _registration_or_404(token: str) -> Registration:
    registration = services.registration_for_cancel_token(token=token)
    if registration is None:
        raise Http404
    return registration


def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's personal page: status, and for kenniscafés the online link."""
    registration = _registration_or_404(token)
    activity = registration.activity
    online_url = ""
    if activity.kind == Activity.Kind.SESSION and registration.status in services.SEATED:
        online_url = activity.knowledgesession.online_url
    response = render(
        request,
        "activities/registration_page.html",
        {
            "registration": registration,
            "activity": activity,
            "online_url": online_url,
            "token": token,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET only asks (mail scanners open links); POST cancels."""
    registration = _registration_or_404(token)
    if request.method == "POST":
        if over_limit(request, scope="cancel"):
            return _too_many(request)
        try:
            registration = services.cancel_registration(registration_id=registration.pk)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            return render(request, "activities/cancelled.html", {"activity": registration.activity})
    response = render(
        request,
        "activities/cancel_confirm.html",
        {"registration": registration, "activity": registration.activity, "token": token},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# --- coordinators ------------------------------------------------------------------------


def _managed_activity(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("neighbourhood"),
        pk=pk,
        workspace__in=coordinator_workspaces(user=request.user),
    )


def _managed_registration(request: HttpRequest, pk: int, registration_pk: int) -> Registration:
    activity = _managed_activity(request, pk)
    return get_object_or_404(Registration, pk=registration_pk, activity=activity)


@login_required
def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_activity(request, pk)
    registrations = list(activity.registrations.order_by("status", "created_at"))
    groups = {status: [] for status, _label in Registration.Status.choices}
    for registration in registrations:
        groups[registration.status].append(registration)
    seated = sum(1 for r in registrations if r.status in services.SEATED)
    return render(
        request,
        "activities/manage/attendees.html",
        {
            "activity": activity,
            "groups": [(label, groups[status]) for status, label in Registration.Status.choices],
            "seated": seated,
            "mix": services.domain_mix(registrations=registrations),
            "add_form": ManualRegistrationForm(activity=activity),
            "is_past": activity.starts_at <= timezone.now(),
        },
    )


@login_required
def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_activity(request, pk)
    response = HttpResponse(
        "\ufeff" + services.registrations_csv(activity=activity),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"{_('registrations')}-{activity.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def add_attendee(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_activity(request, pk)
    form = ManualRegistrationForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.add_registration_by_hand(
                activity_id=activity.pk, registrant=form.registrant(language=get_language())
            )
            walk_in = request.POST.get("walk_in") == "1"
            if walk_in and registration.status in services.SEATED:
                registration = services.check_in(registration_id=registration.pk)
        except services.RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if walk_in:
                messages.success(
                    request,
                    _("%(name)s added (%(status)s).")
                    % {"name": registration.name, "status": registration.get_status_display()},
                )
                check_in_url = reverse("activities:check_in", args=[activity.pk])
                return redirect(f"{check_in_url}#checkin-{registration.pk}")
            messages.success(
                request,
                _("%(name)s added (%(status)s).")
                % {"name": registration.name, "status": registration.get_status_display()},
            )
            return redirect("activities:attendees", pk=activity.pk)
    return render(
        request,
        "activities/manage/add_attendee.html",
        {"activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def remove_attendee(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """GET asks (who is mailed, an optional reason); POST removes."""
    registration = _managed_registration(request, pk, registration_pk)
    if request.method != "POST":
        return render(
            request,
            "activities/manage/remove_confirm.html",
            {"activity": registration.activity, "registration": registration},
        )
    services.remove_registration(
        registration_id=registration.pk, reason=request.POST.get("reason", "")[:1000]
    )
    messages.success(request, _("%(name)s removed.") % {"name": registration.name})
    return redirect("activities:attendees", pk=pk)


@login_required
@require_POST
def promote_attendee(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    registration = _managed_registration(request, pk, registration_pk)
    try:
        services.move_from_waitlist(registration_id=registration.pk)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s now has a seat.") % {"name": registration.name})
    return redirect("activities:attendees", pk=pk)


@login_required
def check_in_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_activity(request, pk)
    if request.method == "POST":
        registration = get_object_or_404(
            Registration, pk=request.POST.get("registration"), activity=activity
        )
        present = request.POST.get("present") == "1"
        wants_json = "application/json" in request.headers.get("Accept", "")
        try:
            registration = services.check_in(registration_id=registration.pk, present=present)
        except services.RegistrationError as error:
            if wants_json:
                return JsonResponse({"error": error.message}, status=400)
            messages.error(request, error.message)
        else:
            text = (
                _("%(name)s is present.") if present else _("%(name)s is no longer present.")
            ) % {"name": registration.name}
            if wants_json:
                # The page updates the row and the count in place: no reload, no jump.
                return JsonResponse(
                    {"present": present, "message": text, **_check_in_counts(activity)}
                )
            messages.success(request, text)
        # Without JavaScript: back to the same row, not to the top of a long list.
        return redirect(f"{request.get_full_path()}#checkin-{registration.pk}")
    search = request.GET.get("q", "").strip()
    registrations = activity.registrations.filter(status__in=services.SEATED)
    if search:
        registrations = registrations.filter(
            Q(name__icontains=search) | Q(organisation__icontains=search)
        )
    registrations = registrations.order_by("name")
    return render(
        request,
        "activities/manage/check_in.html",
        {
            "activity": activity,
            "registrations": registrations,
            "search": search,
            "walk_in_form": ManualRegistrationForm(activity=activity, auto_id="walkin_%s"),
            **_check_in_counts(activity),
        },
    )


def _check_in_counts(activity: Activity) -> dict:
    seated = activity.registrations.filter(status__in=services.SEATED)
    present = seated.filter(status=Registration.Status.ATTENDED).count()
    total = seated.count()
    return {
        "present_count": present,
        "total": total,
        "status_text": _("%(present)s of %(total)s present") % {"present": present, "total": total},
    }


@login_required
def no_shows(request: HttpRequest, pk: int) -> HttpResponse:
    """GET lists who would become a no-show; POST marks them."""
    activity = _managed_activity(request, pk)
    if request.method != "POST":
        return render(
            request,
            "activities/manage/no_shows_confirm.html",
            {
                "activity": activity,
                "registrations": activity.registrations.filter(
                    status=Registration.Status.CONFIRMED
                ).order_by("name"),
            },
        )
    try:
        count = services.mark_no_shows(activity_id=activity.pk)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d marked as no-show.") % {"count": count})
    return redirect("activities:attendees", pk=pk)
