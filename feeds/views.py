"""Calendar feeds over HTTP, and the page where a partner sets their own feed link.

Every feed first computes its version with one aggregate query; a conditional request that
matches is answered 304 before any event is loaded or written.
"""

from collections.abc import Callable, Iterable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import content_disposition_header, http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from activities.models import Activity
from activities.ratelimit import over_limit
from feeds import selectors, writer
from feeds.ical import FeedEvent
from feeds.models import PartnerFeed
from feeds.publishing import activity_event, stop_event
from feeds.services import can_edit_partner_feed, save_partner_feed
from network.models import Neighbourhood, Partner, Theme

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"
LANGUAGES = [(code, code) for code, _name in settings.LANGUAGES]


class FeedParamsForm(forms.Form):
    """The agenda's filters, by slug; anything else in the query string is ignored (clients
    add cache-busters), but a value we cannot honour is a 400, not an empty feed."""

    neighbourhood = forms.ModelChoiceField(
        queryset=Neighbourhood.objects.all(), to_field_name="slug", required=False
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.all(), to_field_name="slug", required=False
    )
    kind = forms.ChoiceField(choices=Activity.Kind.choices, required=False)
    lang = forms.ChoiceField(choices=LANGUAGES, required=False)


class LanguageForm(forms.Form):
    lang = forms.ChoiceField(choices=LANGUAGES, required=False)


def bad_request(form: forms.Form) -> HttpResponse:
    lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def feed_language(request: HttpRequest, form: forms.Form) -> str:
    return form.cleaned_data.get("lang") or translation.get_language() or settings.LANGUAGE_CODE


def calendar_response(
    request: HttpRequest,
    *,
    version: selectors.FeedVersion,
    language: str,
    build: Callable[[], tuple[str, Iterable[FeedEvent]]],
    private: bool = False,
    download: bool = False,
) -> HttpResponse:
    """Answer 304 from the version alone, or build (name, events) and send the calendar."""
    etag = f'{version.etag[:-1]}-{language}"'
    last_modified = version.last_modified.timestamp() if version.last_modified else None
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified) if last_modified else None
    )
    if response is None:
        with translation.override(language):
            name, events = build()
            body = writer.write_calendar(name=name, events=events, language=language)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        if download:
            filename = f"{slugify(name) or 'activity'}.ics"
            response["Content-Disposition"] = content_disposition_header(True, filename)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = PRIVATE_CACHE if private else PUBLIC_CACHE
    if private:
        # A personal link must not end up in search engines or shared caches.
        response["X-Robots-Tag"] = "noindex, nofollow"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def activities_calendar(
    request: HttpRequest, activities, *, name: str, key: str, language: str
) -> HttpResponse:
    version = selectors.activities_version(activities, key=key)

    def build() -> tuple[str, list[FeedEvent]]:
        return name, [
            activity_event(row, language=language) for row in selectors.feed_rows(activities)
        ]

    return calendar_response(request, version=version, language=language, build=build)


@require_safe
def activities_feed(request: HttpRequest) -> HttpResponse:
    form = FeedParamsForm(request.GET)
    if not form.is_valid():
        return bad_request(form)
    activities = selectors.feed_activities()
    parts = ["activities"]
    if neighbourhood := form.cleaned_data["neighbourhood"]:
        activities = activities.filter(neighbourhood=neighbourhood)
        parts.append(f"n{neighbourhood.pk}")
    if theme := form.cleaned_data["theme"]:
        activities = activities.filter(themes=theme)
        parts.append(f"t{theme.pk}")
    if kind := form.cleaned_data["kind"]:
        activities = activities.filter(kind=kind)
        parts.append(kind)
    language = feed_language(request, form)
    with translation.override(language):
        name = _("Wijktour: all activities")
    return activities_calendar(
        request, activities, name=name, key="/".join(parts), language=language
    )


def language_or_400(request: HttpRequest) -> tuple[str | None, HttpResponse | None]:
    form = LanguageForm(request.GET)
    if not form.is_valid():
        return None, bad_request(form)
    return feed_language(request, form), None


@require_safe
def neighbourhood_feed(request: HttpRequest, slug: str) -> HttpResponse:
    language, error = language_or_400(request)
    if error:
        return error
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    activities = selectors.feed_activities().filter(neighbourhood=neighbourhood)
    with translation.override(language):
        name = _("Wijktour: %(name)s") % {"name": neighbourhood.name}
    return activities_calendar(
        request,
        activities,
        name=name,
        key=f"neighbourhood/{neighbourhood.pk}/{neighbourhood.name}",
        language=language,
    )


@require_safe
def theme_feed(request: HttpRequest, slug: str) -> HttpResponse:
    language, error = language_or_400(request)
    if error:
        return error
    theme = get_object_or_404(Theme, slug=slug)
    activities = selectors.feed_activities().filter(themes=theme)
    theme_name = (theme.name_en or theme.name) if language == "en" else theme.name
    with translation.override(language):
        name = _("Wijktour: %(name)s") % {"name": theme_name}
    return activities_calendar(
        request, activities, name=name, key=f"theme/{theme.pk}/{theme_name}", language=language
    )


@require_safe
def partner_feed(request: HttpRequest, slug: str) -> HttpResponse:
    language, error = language_or_400(request)
    if error:
        return error
    partner = get_object_or_404(Partner, slug=slug, is_active=True)
    version = selectors.partner_version(partner=partner, key="partner")

    def build() -> tuple[str, list[FeedEvent]]:
        hosted = [
            activity_event(row, language=language)
            for row in selectors.feed_rows(selectors.partner_hosted(partner=partner))
        ]
        stops = selectors.partner_stops(partner=partner)
        themes = selectors.themes_by_activity(stops.values("tour_id"))
        stops = [
            stop_event(stop, themes=themes.get(stop.tour_id, []), language=language)
            for stop in stops
        ]
        events = sorted(hosted + stops, key=lambda event: (event.starts_at, event.uid))
        return _("Wijktour: %(name)s") % {"name": partner.name}, events

    return calendar_response(request, version=version, language=language, build=build)


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_feed_token(token=token)
    if registration is None:
        raise Http404
    language = registration.language if registration.language in dict(LANGUAGES) else "nl"
    version = selectors.personal_version(registration=registration, key="personal")
    activities = selectors.personal_activities(registration=registration)

    def build() -> tuple[str, list[FeedEvent]]:
        return _("Wijktour: my registrations"), [
            activity_event(row, language=language, personal=True)
            for row in selectors.feed_rows(activities)
        ]

    return calendar_response(request, version=version, language=language, build=build, private=True)


@require_safe
def activity_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity as a file to open in a calendar app ("add to calendar")."""
    language, error = language_or_400(request)
    if error:
        return error
    activities = Activity.objects.filter(
        pk=pk, status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]
    )
    version = selectors.activities_version(activities, key=f"activity/{pk}")
    if version.last_modified is None:
        raise Http404

    def build() -> tuple[str, list[FeedEvent]]:
        events = [activity_event(row, language=language) for row in selectors.feed_rows(activities)]
        return events[0].summary, events

    return calendar_response(
        request, version=version, language=language, build=build, download=True
    )


class PartnerFeedForm(forms.ModelForm):
    # webcal:// is what calendar apps hand out; it is https underneath.
    url = forms.CharField(label=gettext_lazy("Calendar link (iCalendar)"), max_length=500)

    class Meta:
        model = PartnerFeed
        fields = ["url", "enabled"]
        help_texts = {
            "url": gettext_lazy(
                "The public iCalendar (.ics) link of your own agenda, for example from Google "
                "Calendar ('Public address in iCal format') or Outlook ('Publish calendar')."
            ),
        }

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if url.startswith("webcal://"):
            url = "https://" + url.removeprefix("webcal://")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise forms.ValidationError(_("Use a link that starts with https://.")) from None
        return url


@login_required
def partner_feed_settings(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug)
    if not can_edit_partner_feed(user=request.user, partner=partner):
        # 404, not 403: another workspace's partner must not be confirmed to exist.
        raise Http404
    feed = PartnerFeed.objects.filter(partner=partner).first()
    form = PartnerFeedForm(request.POST or None, instance=feed)
    fetch_now = request.method == "POST" and "fetch" in request.POST
    # Each "fetch now" is an outbound request on the partner's behalf: bounded per address.
    if fetch_now and over_limit(
        request, scope="feed-import", rate=settings.FEEDS_IMPORT_RATE_LIMIT
    ):
        form.add_error(None, _("Too many fetches from this address. Try again in a few minutes."))
    elif request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_partner_feed(
                partner=partner,
                url=form.cleaned_data["url"],
                enabled=form.cleaned_data["enabled"],
                fetch_now=fetch_now,
            )
        messages.success(request, _("The calendar link has been saved."))
        return redirect("feeds:partner-settings", slug=partner.slug)
    events = selectors.upcoming_imported_events(partner=partner, limit=10) if feed else []
    return render(
        request,
        "feeds/partner_feed_settings.html",
        {"partner": partner, "feed": feed, "form": form, "events": events},
    )
