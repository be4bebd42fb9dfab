"""Every page of every role, in Dutch and in English, read as a visitor reads it."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.core.crawl import constraint_names, crawl, problems_in, read_page

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
        body = response.content.decode("utf-8", "replace") if response.status_code < 300 else ""
        return response.status_code, response.get("Content-Type", ""), body

    return fetch


@pytest.mark.django_db
def test_every_page_of_every_role_speaks_one_language_without_internals():
    call_command("seed_demo", stdout=io.StringIO())
    names = constraint_names()
    report, visited = [], 0

    for language in ("nl", "en"):
        for role, start in START.items():
            client = _client(role, language)
            for url, status, body in crawl(_fetcher(client), start, limit=80):
                visited += 1
                if status >= 500:
                    report.append(f"{language} {role} {url}: status {status}")
                    continue
                text, _links = read_page(body)
                report += [
                    f"{language} {role} {url}: {p}"
                    for p in problems_in(text, language=language, names=names)
                ]

    assert visited > 40, visited
    assert report == [], "\n".join(report)
