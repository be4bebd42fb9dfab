"""Every page of every role, in Dutch and in English, read as a visitor reads it."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import translation

from core.errors import server_error
from tests.core.crawl import constraint_names, crawl, new_app_pages, problems_in, read_page

START = {
    "anonymous": ["/", "/neighbourhoods/", "/accounts/login/"],
    "coordinator": ["/", "/manage/"],
    "partner-editor": ["/", "/manage/"],
}


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
    new_pages = new_app_pages()
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
