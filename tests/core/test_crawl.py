"""Every page of every role, in Dutch and in English, read as a visitor reads it."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from accreditation.models import Certificate
from activities.models import Activity, Registration
from core.errors import server_error
from impact.models import Baseline, FollowUp, SignalRequest
from network.models import Neighbourhood, Partner
from opendata.models import ReviewRequest
from ratings.services import new_token
from tests.core.crawl import constraint_names, crawl, problems_in, read_page

START = {
    "anonymous": ["/", "/neighbourhoods/", "/accounts/login/"],
    "coordinator": ["/", "/manage/"],
    "partner-editor": ["/", "/manage/"],
}


def _pages_of_the_new_apps() -> list[str]:
    """Pages no menu links twice in a short crawl (one activity's accreditation, one partner's
    counts) and the public pages reached only by a token from a mail."""
    now = timezone.now()
    activities = Activity.objects.filter(workspace__slug="ros-amsterdam")
    accredited = activities.filter(accreditations__isnull=False).order_by("pk").first()
    upcoming = (
        activities.filter(status=Activity.Status.PUBLISHED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    partner = Partner.objects.filter(workspace__slug="ros-amsterdam").order_by("slug").first()
    neighbourhood = Neighbourhood.objects.filter(workspace__slug="ros-amsterdam").first()
    pages = [
        f"/manage/activities/{accredited.pk}/accreditation/",
        f"/manage/activities/{accredited.pk}/presence/",
        f"/manage/activities/{upcoming.pk}/messages/",
        f"/manage/activities/{upcoming.pk}/cancel/",
        f"/manage/activities/{upcoming.pk}/changes/",
        "/manage/tours/rechecks/",
        "/manage/impact/",
        "/manage/impact/annual/",
        "/manage/impact/settings/",
        f"/manage/impact/partner/{partner.slug}/",
        f"/manage/neighbourhoods/{neighbourhood.slug}/coverage/",
        "/manage/open-data/",
        "/manage/open-data/import/",
        "/refer/",
        "/refer/embed/ros-amsterdam/",
        "/this-page-does-not-exist/",
    ]
    registration = Registration.objects.filter(activity=upcoming).order_by("pk").first()
    token, token_hash = new_token()
    Baseline.objects.create(
        registration=registration,
        activity=upcoming,
        token_hash=token_hash,
        expires_at=upcoming.starts_at,
    )
    pages.append(f"/impact/baseline/{token}/")
    attended = (
        Registration.objects.filter(
            activity__in=activities.filter(kind=Activity.Kind.TOUR, ends_at__lt=now),
            status=Registration.Status.ATTENDED,
        )
        .exclude(impact_followups__wave=2)
        .order_by("pk")
        .first()
    )
    token, token_hash = new_token()
    FollowUp.objects.create(
        registration=attended,
        activity=attended.activity,
        wave=2,
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + dt.timedelta(days=21),
    )
    pages.append(f"/impact/followup/{token}/")
    token, token_hash = new_token()
    SignalRequest.objects.create(
        partner=partner,
        month=dt.date(2020, 1, 1),
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + dt.timedelta(days=14),
    )
    pages.append(f"/impact/partner-count/{token}/")
    token, token_hash = new_token()
    ReviewRequest.objects.create(
        partner=partner, token_hash=token_hash, sent_at=now, expires_at=now + dt.timedelta(days=14)
    )
    pages.append(f"/partners/review/{token}/")
    pages.append(f"/certificates/{Certificate.objects.order_by('pk').first().code}/")
    return pages


def _client(role: str, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    return client


def _fetcher(client: Client):
    def fetch(url: str) -> tuple[int, str, str]:
        response = client.get(url)
        # Error pages (4xx) are pages people read too; redirects have nothing to read.
        redirect = 300 <= response.status_code < 400
        body = "" if redirect else response.content.decode("utf-8", "replace")
        return response.status_code, response.get("Content-Type", ""), body

    return fetch


@pytest.mark.django_db
def test_every_page_of_every_role_speaks_one_language_without_internals():
    call_command("seed_demo", stdout=io.StringIO())
    names = constraint_names()
    new_pages = _pages_of_the_new_apps()
    starts = {**START, "coordinator": [*START["coordinator"], *new_pages]}
    report, visited = [], 0

    for language in ("nl", "en"):
        for role, start in starts.items():
            client = _client(role, language)
            statuses = {}
            for url, status, body in crawl(_fetcher(client), start, limit=110):
                visited += 1
                statuses[url] = status
                if status >= 500:
                    report.append(f"{language} {role} {url}: status {status}")
                    continue
                text, _links = read_page(body)
                report += [
                    f"{language} {role} {url}: {p}"
                    for p in problems_in(text, language=language, names=names)
                ]
            if role == "coordinator":
                expected = {url: 404 if "does-not-exist" in url else 200 for url in new_pages}
                report += [
                    f"{language} {role} {url}: status {statuses.get(url)}, expected {status}"
                    for url, status in expected.items()
                    if statuses.get(url) != status
                ]
        with translation.override(language):
            text, _links = read_page(server_error(RequestFactory().get("/")).content.decode())
        report += [
            f"{language} 500 page: {p}" for p in problems_in(text, language=language, names=names)
        ]

    assert visited > 40, visited
    assert report == [], "\n".join(report)
