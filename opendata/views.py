"""Public pages of the open data: the partner's review link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from opendata.forms import ReviewForm
from opendata.reviews import (
    ReviewLinkError,
    confirm_entry,
    current_values,
    propose_changes,
    review_for_token,
)


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
    response["Referrer-Policy"] = "no-referrer"
    return response
