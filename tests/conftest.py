"""Fixtures shared by the whole suite: a real SMTP server, a real browser, axe-core."""

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class Mailbox:
    """What a real SMTP server received, parsed as e-mail messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    """A real SMTP server on a free local port; Django's SMTP backend sends to it."""
    mailbox = Mailbox()
    # aiosmtpd's start() connects to the configured port to check the server is up, so
    # port=0 fails: pick a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": free_port,
                "use_tls": False,
                "timeout": 10,
            },
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Real hashing costs about a second per user on this machine; tests need no secrecy."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (browsers cannot be downloaded here)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page. Tile requests are answered locally: tests never leave the box."""
    context = browser.new_context(
        locale="nl-NL", bypass_csp=False, viewport={"width": 390, "height": 844}
    )
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(status=204, body=""),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the current page (empty list = none).

    axe is evaluated as a function body, so the page's CSP (no inline scripts) still holds.
    """
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;")
    result = page.evaluate(
        """async () => {
            const r = await window.__axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


@pytest.fixture(autouse=True)
def default_language_after_test() -> Iterator[None]:
    """A request with Accept-Language (LocaleMiddleware) or a view that activates the
    registrant's language leaves that language active in the thread; the next test on the
    same xdist worker must start from the default again, whatever ran before it."""
    yield
    translation.deactivate()


OSM_EXTRACTS = Path(__file__).resolve().parent.parent / "routing" / "data" / "osm"


@pytest.fixture(scope="session")
def street_tiles(tmp_path_factory) -> Path:
    """Valhalla tiles of the shipped Amsterdam Centrum and Monaco extracts, built once per
    session (per xdist worker); about a second."""
    from routing.valhalla import build_tiles

    tiles = tmp_path_factory.mktemp("valhalla") / "tiles"
    build_tiles(
        sources=[OSM_EXTRACTS / "amsterdam_centrum_2026.osm.pbf", OSM_EXTRACTS / "monaco.osm.pbf"],
        tiles_dir=tiles,
    )
    return tiles


@pytest.fixture(autouse=True)
def street_tiles_only_when_asked(settings) -> None:
    # Tests ride the straight-line estimate unless they ask for `streets`; a developer's
    # var/valhalla_tiles from `make demo` must not change their results.
    settings.ROUTING_PROVIDER = "straight"
    settings.ROUTING_TILES_DIR = Path("/nonexistent/valhalla_tiles")
    settings.ROUTING_VALHALLA_URL = ""


@pytest.fixture
def streets(settings, street_tiles) -> Path:
    """Route on Valhalla over the real extracts (ROUTING_PROVIDER=auto picks them up)."""
    settings.ROUTING_PROVIDER = "auto"
    settings.ROUTING_TILES_DIR = street_tiles
    return street_tiles
