"""Public pages of the open data: the partner's review link and the referral search."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt

from core.models import Workspace
from network.models import Theme
from opendata.forms import ReferralSearchForm, ReviewForm
from opendata.models import PublishingSettings
from opendata.reviews import (
    ReviewLinkError,
    confirm_entry,
    current_values,
    propose_changes,
    review_for_token,
)
from opendata.services import resolve_place, search_referrals


@never_cache
def review(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the entry and changes nothing; POST confirms it or proposes changes."""
    try:
        review = review_for_token(token=token)
    except ReviewLinkError as exc:
        status = 410 if exc.expired else 404
        return render(request, "opendata/review_invalid.html", {"message": str(exc)}, status=status)
    partner = review.partner
    form = ReviewForm(initial=current_values(partner=partner))
    done = request.GET.get("done", "")
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            confirm_entry(review=review)
            return redirect(f"{request.path}?done=confirmed")
        form = ReviewForm(request.POST)
        if form.is_valid():
            proposal = propose_changes(review=review, values=form.cleaned_data)
            return redirect(f"{request.path}?done={'proposed' if proposal else 'confirmed'}")
    response = render(
        request,
        "opendata/review.html",
        {
            "review": review,
            "partner": partner,
            "form": form,
            "done": done,
            "editing": request.method == "POST" or request.GET.get("edit") == "1",
        },
    )
    # The token is in the URL: never send it to another site (no-referrer would make the
    # browser send Origin: null, which fails the CSRF origin check on our own forms).
    response["Referrer-Policy"] = "same-origin"
    return response


def _referral_context(request: HttpRequest, *, workspace: Workspace | None) -> dict:
    themes = Theme.objects.filter(partners__is_active=True)
    if workspace is not None:
        themes = themes.filter(partners__workspace=workspace)
    themes = list(themes.distinct().order_by("name"))
    form = ReferralSearchForm(request.GET or None, themes=themes)
    context = {"form": form, "workspace": workspace, "searched": False}
    if not form.is_bound or not form.is_valid():
        return context
    data = form.cleaned_data
    place = resolve_place(text=data["place"], workspace=workspace)
    if data["place"] and place is None:
        form.add_error("place", _("We do not know this postcode or neighbourhood."))
        return context
    open_at, open_on = None, None
    if data["when"] == form.WHEN_NOW:
        open_at = timezone.localtime()
    elif data["when"] == form.WHEN_DAY:
        if data["time"]:
            today = timezone.localdate()
            day = today + dt.timedelta(days=(data["day"] - today.weekday()) % 7)
            open_at = dt.datetime.combine(day, data["time"])
        else:
            open_on = data["day"]
    context.update(
        searched=True,
        place=place,
        results=search_referrals(
            workspace=workspace,
            theme=data["theme"],
            place=place,
            open_at=open_at,
            open_on=open_on,
        ),
    )
    return context


def referral_search(request: HttpRequest) -> HttpResponse:
    """Find where to refer: public, for professionals."""
    return render(request, "opendata/referral.html", _referral_context(request, workspace=None))


@xframe_options_exempt
def referral_embed(request: HttpRequest, workspace: str) -> HttpResponse:
    """The referral search of one workspace for an iframe on the sites its coordinators list
    (CSP frame-ancestors); our own static files only, no scripts at all."""
    found = get_object_or_404(Workspace, slug=workspace)
    context = _referral_context(request, workspace=found)
    settings_row = PublishingSettings.objects.filter(workspace=found).first()
    ancestors = settings_row.frame_ancestor_list if settings_row else []
    response = render(request, "opendata/referral_embed.html", context)
    response._csp_config = {
        **settings.SECURE_CSP,
        "script-src": [CSP.NONE],
        "frame-ancestors": [CSP.SELF, *ancestors],
        "form-action": [CSP.SELF],
    }
    return response
