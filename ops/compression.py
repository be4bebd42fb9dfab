"""Compress what we send: brotli where the client accepts it, else gzip.

Feeds, API JSON, GPX/GeoJSON and text are compressed for everyone (a 1,000-event feed goes
from ~750 kB to tens of kB). Static files are compressed once at collectstatic by whitenoise
(CompressedManifestStaticFilesStorage writes .gz and .br next to each file) and served as they
are; this middleware leaves streaming responses such as those alone.

BREACH: compressing a response that holds a secret *and* text an attacker chose lets the
attacker guess the secret from the compressed length, over many requests made with the
victim's cookies. So HTML and JSON are compressed only for requests without a session
cookie: an anonymous page holds no personal data, and its only secrets are the CSRF token,
which Django masks afresh for every response (and the page cache replaces on every hit), and
the CSP nonce, also new every time; neither stays the same long enough to be guessed. Pages
of a signed-in coordinator or partner (personal data, a session's CSRF secret) and JSON for a
browser session go uncompressed; API clients with a token (an Authorization header, which no
other site can make a browser send) get compressed JSON. gzip adds Django's random-length
filename (up to 100 bytes) as a further guard.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

try:
    import brotli
except ImportError:  # brotli is a dependency; without it we still send gzip.
    brotli = None

MIN_SIZE = 200
GZIP_LEVEL = 6
# Quality 5: a third of gzip's size for feeds at about gzip's speed (11 takes seconds).
BROTLI_QUALITY = 5
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/geo+json",
    "application/gpx+xml",
    "application/xml",
    "application/javascript",
    "application/vnd.oai.openapi",
    "image/svg+xml",
)
# Content types that may hold personal data and reflect what a visitor typed.
SESSION_SENSITIVE_TYPES = ("text/html", "application/json", "application/problem+json")


def negotiate(accept_encoding: str) -> str | None:
    """The coding to use for an Accept-Encoding header: "br", "gzip" or None (identity).
    Honours q=0 (refused) and "*"; brotli wins a tie, it is the smaller."""
    accepted: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _sep, params = item.strip().partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            accepted[coding] = quality
    wildcard = accepted.get("*", 0.0)
    choices = [("br", 2)] if brotli is not None else []
    choices.append(("gzip", 1))
    best = max(
        ((accepted.get(coding, wildcard), rank, coding) for coding, rank in choices),
        default=(0.0, 0, None),
    )
    return best[2] if best[0] > 0 else None


def compress(body: bytes, *, encoding: str, pad: bool = False) -> bytes:
    """`pad`: gzip with Django's random-length filename field (BREACH guard for HTML)."""
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)
    if pad:
        return compress_string(body, max_random_bytes=100)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def worth_compressing(content_type: str, size: int) -> bool:
    return size >= MIN_SIZE and content_type.lower().startswith(COMPRESSIBLE_TYPES)


def compressible(response: HttpResponse) -> bool:
    """Whether this kind of response is worth compressing (independent of who asks)."""
    return (
        not response.streaming
        and not response.has_header("Content-Encoding")
        and response.status_code not in (204, 206, 304)
        and "no-transform" not in response.get("Cache-Control", "")
        and worth_compressing(response.get("Content-Type", ""), len(response.content))
    )


def breach_exposed(request: HttpRequest, response: HttpResponse) -> bool:
    """A page or JSON for a signed-in browser session (see the module docstring)."""
    content_type = response.get("Content-Type", "").lower()
    if not content_type.startswith(SESSION_SENSITIVE_TYPES):
        return False
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or settings.SESSION_COOKIE_NAME in response.cookies
    )


def set_encoded(response: HttpResponse, *, body: bytes, encoding: str) -> None:
    response.content = body
    response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(body))
    etag = response.get("ETag")
    # A strong validator names exact bytes; the compressed bytes differ (RFC 9110 8.8.1).
    if etag and etag.startswith('"'):
        response["ETag"] = "W/" + etag


class CompressionMiddleware:
    """Outside everything that writes the body (sessions, CSRF, the page cache, CSP), just
    inside whitenoise, which serves static files precompressed itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if breach_exposed(request, response):
            return response
        encoding = negotiate(request.headers.get("Accept-Encoding", ""))
        if encoding is None:
            return response
        is_html = response.get("Content-Type", "").lower().startswith("text/html")
        body = compress(response.content, encoding=encoding, pad=is_html)
        if len(body) < len(response.content):
            set_encoded(response, body=body, encoding=encoding)
        return response
