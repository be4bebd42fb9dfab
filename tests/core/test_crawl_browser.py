"""The crawl in a real browser at 390×844 (a phone): no sideways scrolling, no English on a
Dutch page, no internals, and axe-core finds nothing on any page reached."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.conftest import axe_violations
from tests.core.crawl import constraint_names, crawl, new_app_pages, problems_in, read_page

START = {
    "anonymous": ["/", "/neighbourhoods/", "/accounts/login/"],
    "coordinator": ["/manage/", "/manage/insights/", "/"],
    "partner-editor": ["/manage/", "/"],
}
PAGES_PER_ROLE = 20

OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => {
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.right <= width + 1) return false;
            // Inside a box that scrolls sideways on purpose (a table region, a map)?
            for (let p = el.parentElement; p; p = p.parentElement) {
                const style = getComputedStyle(p);
                if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
                    && p.getBoundingClientRect().right <= width + 1) return false;
            }
            return true;
        })
        .slice(0, 3)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def sign_in(page, live_server, username: str) -> None:
    if username == "anonymous":
        return
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(START))
def test_every_page_fits_a_phone_and_passes_axe(page, live_server, role):
    call_command("seed_demo", stdout=io.StringIO())
    sign_in(page, live_server, role)
    names = constraint_names()
    # The coordinator also opens the pages of the apps merged last (and the token pages).
    extra = new_app_pages() if role == "coordinator" else []

    def fetch(url: str) -> tuple[int, str, str]:
        response = page.goto(live_server.url + url)
        content_type = response.headers.get("content-type", "") if response else ""
        return (response.status if response else 0), content_type, page.content()

    report, visited = [], 0
    pages = crawl(fetch, [*START[role], *extra], limit=PAGES_PER_ROLE + len(extra))
    for url, status, body in pages:
        visited += 1
        if status >= 400:
            continue
        measured = page.evaluate(OVERFLOW_JS)
        if measured["scroll"] > measured["width"]:
            report.append(f"{url}: {measured['scroll']} px wide on a 390 px screen {measured}")
        text, _links = read_page(body)
        report += [f"{url}: {p}" for p in problems_in(text, language="nl", names=names)]
        report += [f"{url}: axe {v['id']} {v['nodes']}" for v in axe_violations(page)]

    assert visited >= 10
    assert report == [], "\n".join(report)
