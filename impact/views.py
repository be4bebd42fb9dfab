"""Impact pages: the baseline, follow-up and partner-count links (GET shows, POST saves), the
partner's count editor, and the coordinator's report, CSV, annual report and settings. Views
stay thin: they validate, call `impact.services` / `impact.report`, and turn errors into
messages."""

from __future__ import annotations

import csv
import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from activities.models import Activity
from activities.ratelimit import over_limit
from core.permissions import can_coordinate, coordinator_workspaces, is_coordinator
from impact import coverage, services
from impact.forms import (
    BaselineForm,
    FollowUpForm,
    ImpactFilterForm,
    SettingsForm,
    SignalForm,
    SignalLinkForm,
)
from impact.models import ImpactSettings, PartnerSignal, SignalContact
from impact.report import ImpactFilter, Report, collect_report
from impact.statistics import BUCKETS
from network.models import Neighbourhood, Partner
from ratings import charts

BUCKET_LABELS = {"0": "0", "1": "1", "2-5": "2–5", "6+": ">5"}


def _link_error(request: HttpRequest, error: services.LinkError) -> HttpResponse:
    response = render(
        request, "impact/link_error.html", {"message": error.message}, status=error.status
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _speak(request: HttpRequest, language: str) -> None:
    """Personal pages open in the language the person registered in, unless they chose one."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language:
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _personal(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


def _over_answer_limit(request: HttpRequest, form) -> bool:
    """Too many answers from this address: says so on the form."""
    if over_limit(request, scope="impact", rate=settings.RATINGS_RATE_LIMIT):
        form.add_error(None, _("Too many answers from this address. Try again later."))
        return True
    return False


def _show_error(form, error: services.ImpactError) -> None:
    """An answer refused: the message at its field when the form has one, else above."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _subject_key(answer) -> str:
    return services.subject_key(partner_id=answer.partner_id, theme_id=answer.theme_id)


@never_cache
@require_http_methods(["GET", "POST"])
def baseline_form(request: HttpRequest, token: str) -> HttpResponse:
    """The short, skippable baseline right after registering. GET changes nothing."""
    try:
        baseline = services.baseline_for_token(token=token)
    except services.LinkError as error:
        return _link_error(request, error)
    _speak(request, baseline.registration.language)
    activity = baseline.activity
    subjects = services.subjects_for(activity=activity)
    status = 200
    if request.method == "POST":
        if "skip" in request.POST:
            services.skip_baseline(baseline=baseline)
            return _personal(render(request, "impact/baseline_done.html", {"skipped": True}))
        form = BaselineForm(request.POST, subjects=subjects)
        status = 400
        if _over_answer_limit(request, form):
            status = 429
        elif form.is_valid():
            try:
                services.submit_baseline(baseline=baseline, answers=form.answers())
            except services.ImpactError as error:
                form.add_error(None, error.message)
            else:
                return _personal(render(request, "impact/baseline_done.html", {"skipped": False}))
    else:
        initial = {}
        for answer in baseline.answers.all():
            key = _subject_key(answer)
            initial[f"{key}_knowledge"] = answer.knowledge
            initial[f"{key}_referrals"] = answer.referrals
        form = BaselineForm(initial=initial, subjects=subjects)
    return _personal(
        render(
            request,
            "impact/baseline_form.html",
            {"form": form, "activity": activity, "baseline": baseline},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def followup_form(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up survey: one tap per partner met. GET changes nothing."""
    try:
        followup = services.followup_for_token(token=token)
    except services.LinkError as error:
        return _link_error(request, error)
    _speak(request, followup.registration.language)
    activity = followup.activity
    subjects = services.subjects_for(activity=activity)
    tour = activity.kind == Activity.Kind.TOUR
    status = 200
    if request.method == "POST":
        form = FollowUpForm(request.POST, subjects=subjects, tour=tour)
        status = 400
        if _over_answer_limit(request, form):
            status = 429
        elif form.is_valid():
            try:
                services.submit_followup(
                    followup=followup,
                    answers=form.answers(),
                    story=form.cleaned_data["story"],
                    story_partner_id=form.cleaned_data.get("story_partner"),
                    consent_to_share=form.cleaned_data["consent_to_share"],
                )
            except services.ImpactError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Your answers have been saved. You can change them until the "
                        "link expires."
                    ),
                )
                return redirect("impact:followup", token=token)
    else:
        initial = {
            "story": followup.story,
            "story_partner": followup.story_partner_id,
            "consent_to_share": followup.consent_to_share,
        }
        for answer in followup.answers.all():
            key = _subject_key(answer)
            initial[f"{key}_referrals"] = answer.referrals
            initial[f"{key}_knowledge"] = answer.knowledge
            if answer.knows_whom_to_call is not None:
                initial[f"{key}_knows"] = "yes" if answer.knows_whom_to_call else "no"
        form = FollowUpForm(initial=initial, subjects=subjects, tour=tour)
    return _personal(
        render(
            request,
            "impact/followup_form.html",
            {"form": form, "activity": activity, "followup": followup, "tour": tour},
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signal_link(request: HttpRequest, token: str) -> HttpResponse:
    """The monthly counting link of a partner's opted-in contact. GET changes nothing."""
    try:
        signal_request = services.signal_request_for_token(token=token)
    except services.LinkError as error:
        return _link_error(request, error)
    existing = PartnerSignal.objects.filter(
        partner=signal_request.partner, month=signal_request.month
    ).first()
    status = 200
    if request.method == "POST":
        form = SignalLinkForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.answer_signal_request(
                    request=signal_request,
                    via_professional=form.cleaned_data["via_professional"],
                    via_tour_participant=form.cleaned_data["via_tour_participant"],
                )
            except services.ImpactError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Thank you! The count has been saved."))
                return redirect("impact:signal_link", token=token)
    else:
        form = SignalLinkForm(
            initial=(
                {
                    "via_professional": existing.via_professional,
                    "via_tour_participant": existing.via_tour_participant,
                }
                if existing
                else {}
            )
        )
    return _personal(
        render(
            request,
            "impact/signal_link.html",
            {"form": form, "request_": signal_request, "existing": existing},
            status=status,
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_signals(request: HttpRequest, slug: str) -> HttpResponse:
    """A partner's editors (and its coordinators) record monthly counts and choose which
    contact receives the monthly link."""
    partner = get_object_or_404(Partner, slug=slug)
    allowed = can_coordinate(user=request.user, workspace_id=partner.workspace_id) or (
        partner.editors.filter(pk=request.user.pk).exists()
    )
    if not allowed:
        raise Http404  # another workspace's partner must not be confirmed to exist
    form = SignalForm(request.POST if "record" in request.POST else None)
    if request.method == "POST":
        if "record" in request.POST:
            if form.is_valid():
                try:
                    services.record_partner_signal(
                        partner=partner,
                        month=form.cleaned_data["month"],
                        via_professional=form.cleaned_data["via_professional"],
                        via_tour_participant=form.cleaned_data["via_tour_participant"],
                        user=request.user,
                    )
                except services.ImpactError as error:
                    _show_error(form, error)
                else:
                    messages.success(request, _("The count has been saved."))
                    return redirect("impact:partner_signals", slug=slug)
        else:
            chosen = {int(pk) for pk in request.POST.getlist("opt_in") if pk.isdigit()}
            for contact in partner.contacts.all():
                services.set_signal_opt_in(
                    contact=contact, opted_in=contact.pk in chosen, user=request.user
                )
            messages.success(request, _("Who receives the monthly link has been saved."))
            return redirect("impact:partner_signals", slug=slug)
    opted_in = set(
        SignalContact.objects.filter(contact__partner=partner).values_list("contact_id", flat=True)
    )
    # What professionals who met this partner on a tour said since (n < 5 withheld), and the
    # stories about it they agreed to share.
    figures = collect_report(
        scope=ImpactFilter(workspace_ids=(partner.workspace_id,), partner_id=partner.pk)
    )
    own = next((g for g in figures.by_partner if g.key == ("p", partner.pk)), None)
    stories = [story for story in figures.stories if story.about == partner.name]
    return render(
        request,
        "impact/partner_signals.html",
        {
            "partner": partner,
            "form": form,
            "signals": PartnerSignal.objects.filter(partner=partner).order_by("-month")[:36],
            "contacts": [(c, c.pk in opted_in) for c in partner.contacts.all()],
            "own": own,
            "stories": stories,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- coordinator pages ----------------------------------------------------------------------


def _coordinator_scope(request: HttpRequest) -> tuple[int, ...]:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    return tuple(coordinator_workspaces(user=request.user).values_list("pk", flat=True))


def _filter_from(request: HttpRequest, workspace_ids: tuple[int, ...]):
    form = ImpactFilterForm(request.GET or None, workspace_ids=workspace_ids)
    scope = ImpactFilter(workspace_ids=workspace_ids)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        scope = ImpactFilter(
            workspace_ids=workspace_ids,
            date_from=data["date_from"],
            date_to=data["date_to"],
            neighbourhood_id=data["neighbourhood"].pk if data["neighbourhood"] else None,
            partner_id=data["partner"].pk if data["partner"] else None,
            domain=data["domain"],
            profession=data["profession"],
        )
    return form, scope


def _percent(share) -> str:
    return "–" if share is None else f"{floatformat(share * 100, 0)} %"


def report_charts(report: Report) -> dict[str, str]:
    """SVG charts next to the report's tables (the tables are the accessible form)."""
    result = {}
    series = [(_("Baseline (last quarter)"), report.baseline)] + [
        (_("Follow-up %(wave)s") % {"wave": wave.number}, wave.distribution)
        for wave in report.waves
    ]
    bars = []
    for name, dist in series:
        shares = dist.shares
        for bucket in BUCKETS:
            share = None if shares is None else shares[bucket] * 100
            bars.append(
                charts.Bar(
                    f"{BUCKET_LABELS[bucket]} {name.split(' ')[0]}",
                    share,
                    _percent(None if shares is None else shares[bucket]),
                )
            )
    if bars:
        result["distribution"] = mark_safe(  # built from escaped parts
            charts.bar_chart(
                bars,
                title=_("Referrals per partner: baseline and follow-up (share of answers)"),
                chart_id="chart-referrals",
                max_value=100,
            )
        )
    periods = [
        charts.Bar(
            group.label,
            None if group.referred.share is None else group.referred.share * 100,
            _percent(group.referred.share),
        )
        for group in report.by_period
    ]
    if periods:
        result["periods"] = mark_safe(
            charts.bar_chart(
                periods,
                title=_("Share of attendees who referred to a partner they met, per quarter"),
                chart_id="chart-periods",
                max_value=100,
            )
        )
    months = report.signal_months[-24:]
    if months:
        result["signals"] = mark_safe(
            charts.bar_chart(
                [
                    charts.Bar(formats.date_format(month, "M Y"), total, str(total))
                    for month, total, _tour in months
                ],
                title=_("Residents who came to partners via a professional, per month"),
                chart_id="chart-signals",
            )
        )
    return result


@login_required
def report(request: HttpRequest) -> HttpResponse:
    workspace_ids = _coordinator_scope(request)
    form, scope = _filter_from(request, workspace_ids)
    figures = collect_report(scope=scope)
    return render(
        request,
        "impact/report.html",
        {
            "form": form,
            "report": figures,
            "charts": report_charts(figures),
            "coverage": coverage.collect_coverage(scope=scope),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    """A printable report for the funder (the print stylesheet makes it A4)."""
    workspace_ids = _coordinator_scope(request)
    form, scope = _filter_from(request, workspace_ids)
    figures = collect_report(scope=scope)
    return render(
        request,
        "impact/annual.html",
        {
            "form": form,
            "report": figures,
            "charts": report_charts(figures),
            "scope": scope,
            "workspaces": coordinator_workspaces(user=request.user),
        },
    )


def _decimal(value: float | None, digits: int = 1) -> str:
    """Dutch decimal comma for spreadsheets opened in a Dutch locale."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def _cell(text: str) -> str:
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The report's breakdowns as CSV with Dutch headers and decimal commas; withheld groups
    keep their size only."""
    workspace_ids = _coordinator_scope(request)
    _form, scope = _filter_from(request, workspace_ids)
    figures = collect_report(scope=scope)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wijktour-impact.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "groep",
            "naam",
            "uitgenodigd",
            "antwoorden",
            "respons (%)",
            "respondenten",
            "verwees naar ≥ 1 partner (%)",
            "0",
            "1",
            "2–5",
            ">5",
            "weet wie te bellen (%)",
            "te weinig antwoorden",
        ]
    )
    groups = [
        ("periode", figures.by_period),
        ("wijk", figures.by_neighbourhood),
        ("partner", figures.by_partner),
        ("domein", figures.by_domain),
        ("beroep", figures.by_profession),
        ("activiteit", figures.by_activity),
    ]
    for name, items in groups:
        for group in items:
            shares = group.distribution.shares
            rate = group.response_rate
            writer.writerow(
                [
                    name,
                    _cell(group.label),
                    group.invited if group.invited else "",
                    group.responses if group.invited else "",
                    _decimal(None if rate is None else rate * 100),
                    group.referred.total,
                    _decimal(None if group.referred.share is None else group.referred.share * 100),
                    *[_decimal(None if shares is None else shares[b] * 100) for b in BUCKETS],
                    _decimal(
                        None if group.knows_whom.share is None else group.knows_whom.share * 100
                    ),
                    "ja" if group.referred.withheld else "nee",
                ]
            )
    writer.writerow([])
    writer.writerow(["groep", "partner", "maand", "via een professional", "via een tourdeelnemer"])
    for partner in figures.partners:
        for month, professional, participant in partner.months:
            writer.writerow(
                [
                    "partnertelling",
                    _cell(partner.name),
                    month.strftime("%Y-%m"),
                    professional,
                    "" if participant is None else participant,
                ]
            )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    workspace_ids = _coordinator_scope(request)
    workspace = coordinator_workspaces(user=request.user).order_by("pk").first()
    if workspace is None:
        raise PermissionDenied
    instance = ImpactSettings.objects.filter(workspace=workspace).first() or ImpactSettings(
        workspace=workspace
    )
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The follow-up settings have been saved."))
        return redirect("impact:settings")
    return render(
        request,
        "impact/settings.html",
        {"form": form, "workspace": workspace, "workspace_ids": workspace_ids},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def coverage_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One neighbourhood's coverage: the list and the partners on the map."""
    workspace_ids = _coordinator_scope(request)
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug, workspace_id__in=workspace_ids)
    form, scope = _filter_from(request, workspace_ids)
    scope = dataclasses.replace(scope, neighbourhood_id=neighbourhood.pk)
    area = next(iter(coverage.collect_coverage(scope=scope)), None)
    return render(
        request,
        "impact/coverage.html",
        {
            "neighbourhood": neighbourhood,
            "area": area,
            "form": form,
            "map": (
                coverage.coverage_map(
                    coverage=area, centre=(neighbourhood.latitude, neighbourhood.longitude)
                )
                if area
                else None
            ),
        },
    )
