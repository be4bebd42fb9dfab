"""Rating pages (personal and device links) and the insights pages. Views stay thin: they
validate, call `ratings.services` / `ratings.insights`, and turn errors into messages."""

from __future__ import annotations

import datetime as dt

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from activities.models import Activity
from activities.ratelimit import over_limit
from core import spreadsheet
from core.formatting import abbr_date
from core.permissions import can_coordinate, coordinator_workspaces, is_coordinator
from core.vocab import Domain
from network.models import Partner
from ratings import charts, services
from ratings.forms import InsightsFilterForm, RatingForm
from ratings.insights import (
    InsightsFilter,
    collect_insights,
    collect_partner_insights,
    rating_rows,
)
from ratings.models import Rating
from tours.models import Stop

DEVICE_COOKIE = "wijktour-rating-{activity_id}"
DEVICE_COOKIE_SALT = "ratings.device-cookie"


def _stops_for(activity: Activity) -> list[Stop]:
    if activity.kind != Activity.Kind.TOUR:
        return []
    return list(Stop.objects.filter(tour_id=activity.pk).select_related("partner"))


def _initial_from(rating: Rating | None) -> dict:
    if rating is None:
        return {}
    initial = {
        "grade": rating.grade,
        "most_valuable": rating.most_valuable,
        "comment": rating.comment,
        "consent_to_share": rating.consent_to_share,
    }
    for answer in rating.stop_ratings.all():
        initial[f"stop_{answer.stop_id}_grade"] = answer.grade
        initial[f"stop_{answer.stop_id}_refer"] = answer.would_refer
    return initial


def _link_error(request: HttpRequest, error: services.LinkError) -> HttpResponse:
    return render(
        request, "ratings/link_error.html", {"message": error.message}, status=error.status
    )


def _handle_form(
    request: HttpRequest,
    *,
    activity: Activity,
    existing: Rating | None,
    save,
    context: dict,
) -> tuple[HttpResponse | None, Rating | None]:
    stops = _stops_for(activity)
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, stops=stops)
        status = 400
        # Counted per address in the shared cache; generous, since a whole room may rate
        # from one venue network at once.
        if over_limit(request, scope="rating", rate=settings.RATINGS_RATE_LIMIT):
            form.add_error(
                None, _("Too many ratings from this address. Try again in a few minutes.")
            )
            status = 429
        elif form.is_valid():
            try:
                rating = save(form)
            except services.RatingError as error:
                form.add_error(None, error.message)
            else:
                return None, rating
    else:
        form = RatingForm(initial=_initial_from(existing), stops=stops)
    response = render(
        request,
        "ratings/rating_form.html",
        {**context, "form": form, "activity": activity, "existing": existing},
        status=status,
    )
    return response, None


@never_cache  # personal page: no shared cache may keep it
@require_http_methods(["GET", "POST"])
def rating_form(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link. GET only shows the form (a mail scanner uses nothing up)."""
    try:
        invitation = services.invitation_for_token(token=token)
    except services.LinkError as error:
        return _link_error(request, error)
    registration = invitation.registration
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and registration.language:
        translation.activate(registration.language)
        request.LANGUAGE_CODE = translation.get_language()
    activity = registration.activity
    existing = Rating.objects.filter(registration=registration).first()

    def save(form: RatingForm) -> Rating:
        return services.submit_rating(
            activity=activity,
            invitation=invitation,
            grade=form.cleaned_data["grade"],
            stops=form.stop_answers(),
            most_valuable=form.cleaned_data["most_valuable"],
            comment=form.cleaned_data["comment"],
            consent_to_share=form.cleaned_data["consent_to_share"],
        )

    response, _rating = _handle_form(
        request,
        activity=activity,
        existing=existing,
        save=save,
        context={"expires_at": invitation.expires_at, "device": False},
    )
    if response is not None:
        return response
    messages.success(
        request,
        _("Thank you! Your rating has been saved. You can change it until the link expires."),
    )
    return redirect("ratings:form", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def device_form(request: HttpRequest, activity_id: int, token: str) -> HttpResponse:
    """The shared on-the-spot link: no personal data, one rating per device (signed cookie)."""
    try:
        activity = services.activity_for_device_token(activity_id=activity_id, token=token)
    except services.LinkError as error:
        return _link_error(request, error)
    cookie = DEVICE_COOKIE.format(activity_id=activity.pk)
    rating_id = request.get_signed_cookie(cookie, default=None, salt=DEVICE_COOKIE_SALT)
    existing = (
        Rating.objects.filter(pk=rating_id, activity=activity, source=Rating.Source.DEVICE).first()
        if rating_id and str(rating_id).isdigit()
        else None
    )

    def save(form: RatingForm) -> Rating:
        return services.submit_rating(
            activity=activity,
            rating=existing,
            grade=form.cleaned_data["grade"],
            stops=form.stop_answers(),
            most_valuable=form.cleaned_data["most_valuable"],
            comment=form.cleaned_data["comment"],
            consent_to_share=form.cleaned_data["consent_to_share"],
        )

    response, rating = _handle_form(
        request, activity=activity, existing=existing, save=save, context={"device": True}
    )
    if response is not None:
        return response
    messages.success(request, _("Thank you! Your rating has been saved on this device."))
    response = redirect(request.path)
    response.set_signed_cookie(
        cookie,
        str(rating.pk),
        salt=DEVICE_COOKIE_SALT,
        max_age=int(services.link_lifetime().total_seconds()) + 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- coordinator pages ----------------------------------------------------------------------


def _coordinator_scope(request: HttpRequest) -> tuple[int, ...]:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    return tuple(coordinator_workspaces(user=request.user).values_list("pk", flat=True))


def _filter_from(request: HttpRequest, workspace_ids: tuple[int, ...]):
    form = InsightsFilterForm(request.GET or None, workspace_ids=workspace_ids)
    scope = InsightsFilter(workspace_ids=workspace_ids)
    if form.is_bound and form.is_valid():
        neighbourhood = form.cleaned_data["neighbourhood"]
        scope = InsightsFilter(
            workspace_ids=workspace_ids,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            neighbourhood_id=neighbourhood.pk if neighbourhood else None,
        )
    return form, scope


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else floatformat(value, digits)


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return abbr_date(dt.date(year, number, 1), "M Y")


@login_required
def insights_dashboard(request: HttpRequest) -> HttpResponse:
    workspace_ids = _coordinator_scope(request)
    form, scope = _filter_from(request, workspace_ids)
    insights = collect_insights(scope=scope)
    distribution = insights.overall.distribution
    distribution_chart = (
        charts.bar_chart(
            [charts.Bar(str(g), n, str(n)) for g, n in distribution.items()],
            title=_("Distribution of grades 1 to 10"),
            chart_id="chart-distribution",
        )
        if distribution
        else ""
    )
    trend = [(month, _month_label(month), summary) for month, summary in insights.trend]
    trend_chart = (
        charts.bar_chart(
            [
                charts.Bar(label, summary.mean, _number(summary.mean))
                for _m, label, summary in trend
            ],
            title=_("Average grade per month"),
            chart_id="chart-trend",
            max_value=10,
        )
        if trend
        else ""
    )
    return render(
        request,
        "ratings/insights_dashboard.html",
        {
            "form": form,
            "insights": insights,
            "distribution_chart": mark_safe(distribution_chart),  # built from escaped parts
            "trend_chart": mark_safe(trend_chart),
            "trend": trend,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def insights_partner(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug)
    allowed = can_coordinate(user=request.user, workspace_id=partner.workspace_id) or (
        partner.editors.filter(pk=request.user.pk).exists()
    )
    if not allowed:
        # 404, not 403: another workspace's partner must not be confirmed to exist.
        raise Http404
    return render(
        request,
        "ratings/insights_partner.html",
        {"partner": partner, "insights": collect_partner_insights(partner=partner)},
    )


@login_required
def device_link(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The on-the-spot link and its QR code, for a slide or a printed card at the check-in."""
    activity = get_object_or_404(Activity, pk=activity_id)
    if not can_coordinate(user=request.user, workspace_id=activity.workspace_id):
        raise Http404
    url = services.device_url(activity=activity)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_("QR code")}" ', 1)
    return render(
        request,
        "ratings/device_link.html",
        {"activity": activity, "url": url, "qr_svg": mark_safe(svg)},  # generated, no input
    )


@login_required
def export_aggregates(request: HttpRequest) -> HttpResponse:
    """Aggregates per group; groups below the anonymity threshold keep their count only.
    Headers, group names and decimals follow the page's language."""
    workspace_ids = _coordinator_scope(request)
    _form, scope = _filter_from(request, workspace_ids)
    insights = collect_insights(scope=scope)
    response, writer = spreadsheet.csv_response(filename=_("wijktour-insights.csv"))
    writer.writerow([_("Group"), _("Label"), _("Ratings"), _("Mean"), _("Median"), _("Withheld")])

    def row(group: str, label: str, summary) -> None:
        writer.writerow(
            [
                group,
                spreadsheet.safe_cell(label),
                summary.count,
                spreadsheet.format_decimal(summary.mean, places=2),
                spreadsheet.format_number(summary.median),
                int(summary.withheld),
            ]
        )

    row(_("Overall"), "", insights.overall)
    for item in insights.by_activity:
        day = spreadsheet.format_day(item.starts_at)
        row(_("Activity"), f"{item.title} ({day})", item.summary)
    for group, items in (
        (_("Neighbourhood"), insights.by_neighbourhood),
        (_("Kind"), insights.by_kind),
        (_("Domain"), insights.by_domain),
        (_("Source"), insights.by_source),
    ):
        for item in items:
            row(group, item.label, item.summary)
    for month, summary in insights.trend:
        row(_("Month"), month, summary)
    for partner in insights.by_partner:
        row(_("Partner"), partner.name, partner.figures.grades)
    return response


@login_required
def export_ratings(request: HttpRequest) -> HttpResponse:
    """One row per rating, anonymised: no names, e-mails or registration ids. Kinds, sources
    and domains as words, not stored codes."""
    workspace_ids = _coordinator_scope(request)
    _form, scope = _filter_from(request, workspace_ids)
    response, writer = spreadsheet.csv_response(filename=_("wijktour-ratings.csv"))
    writer.writerow(
        [
            _("Activity"),
            _("Kind"),
            _("Date"),
            _("Neighbourhood"),
            _("Source"),
            _("Rater's domain"),
            _("Grade"),
            _("Most valuable"),
            _("Comment (shared)"),
        ]
    )
    kinds = dict(Activity.Kind.choices)
    sources = dict(Rating.Source.choices)
    domains = dict(Domain.choices)
    for (
        title,
        kind,
        starts_at,
        neighbourhood,
        source,
        domain,
        grade,
        valuable,
        comment,
        consent,
    ) in rating_rows(scope=scope):
        writer.writerow(
            [
                spreadsheet.safe_cell(title),
                kinds.get(kind, kind),
                spreadsheet.format_day(starts_at),
                neighbourhood or "",
                sources.get(source, source),
                domains.get(domain, domain),
                grade,
                spreadsheet.safe_cell(valuable),
                spreadsheet.safe_cell(comment) if consent else "",
            ]
        )
    return response
