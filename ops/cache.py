"""The public page cache: the agenda and the public calendar feeds, for anonymous visitors,
served from the shared cache (Redis in production) without touching the database.

Every cached page names the *tags* of what it shows (`page_tags`: the agenda, the activities
feed, one activity, one neighbourhood's, theme's or partner's feed; and "public", which every
page reads). Each tag has a version in the cache; a page is stored with the versions its tags
had before it was rendered, and a hit is served only while they still match. A committed
change bumps the tags of what it touches (ops/invalidation.py), so an edited activity makes
its own feeds and the agenda stale and leaves the others cached, and a waitlisted sign-up
touches nothing. A hit costs one cache round trip: the page and its tags' versions are read
together. A TTL (PUBLIC_CACHE_SECONDS) bounds what no signal sees (queryset.update(), time
passing).

Pages without per-visitor secrets (the feeds) are also kept compressed, once per coding
(ops.compression), so a hit sends stored brotli or gzip bytes without compressing again.

A cached page carries two per-request secrets that must not be shared between visitors: the
CSP nonce and the CSRF token of the language switch. Both are replaced by fresh ones on every
hit, so the page is cached but the secrets are not.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from ops import compression

TAG_PREFIX = "ops:tag:"
EVERYTHING = "public"
IDENTITY = "identity"
# What each cached view shows (ops/invalidation.py bumps these), and whether its body is the
# same for every visitor (no CSRF token or nonce in it), so that it may be kept compressed.
CACHED_VIEWS: dict[str, tuple[Callable[[dict], tuple[str, ...]], bool]] = {
    "activities:agenda": (lambda kwargs: ("agenda", "seats", "filters"), False),
    "feeds:activities": (lambda kwargs: ("feed:all",), True),
    "feeds:activity": (lambda kwargs: (f"activity:{kwargs['pk']}",), True),
    "feeds:neighbourhood": (lambda kwargs: (f"neighbourhood:{kwargs['slug']}",), True),
    "feeds:partner": (lambda kwargs: (f"partner:{kwargs['slug']}",), True),
    "feeds:theme": (lambda kwargs: (f"theme:{kwargs['slug']}",), True),
}
NONCE = re.compile(r"'nonce-([^']+)'")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "X-Robots-Tag",
    "Content-Security-Policy",
)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    nonce: str
    csrf_token: bytes
    # The versions of the page's tags when it was rendered, and when it expires.
    versions: tuple[tuple[str, str], ...] = ()
    expires_at: float = 0.0

    @property
    def shared(self) -> bool:
        """The same bytes for every visitor: may be stored compressed."""
        return not self.nonce and not self.csrf_token


def tag_versions(tags: Iterable[str], *, found: dict | None = None) -> tuple[tuple[str, str], ...]:
    """The current version of each tag (`found`: already read with the page), creating the
    missing ones; add() makes two processes starting at once agree on one."""
    tags = tuple(tags)
    found = found if found is not None else cache.get_many([TAG_PREFIX + tag for tag in tags])
    versions = []
    for tag in tags:
        version = found.get(TAG_PREFIX + tag)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(TAG_PREFIX + tag, version, timeout=None):
                version = cache.get(TAG_PREFIX + tag) or version
        versions.append((tag, version))
    return tuple(versions)


def invalidate(tags: Iterable[str]) -> None:
    """Make every cached page that shows one of these tags stale."""
    tags = set(tags)
    if tags:
        cache.set_many({TAG_PREFIX + tag: uuid.uuid4().hex for tag in tags}, timeout=None)


def invalidate_all() -> None:
    """Every cached public page stale, after the commit (for changes no signal describes)."""
    transaction.on_commit(lambda: invalidate((EVERYTHING,)), robust=True)


# The name before tags: every page stale.
bump_generation = invalidate_all


def connect_invalidation() -> None:
    from ops import invalidation

    invalidation.connect(invalidate)


def _cache_key(request: HttpRequest) -> str:
    where = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"ops:page:{get_language()}:{digest}"


def _cached_view(request: HttpRequest) -> tuple[tuple[str, ...], bool] | None:
    """(tags, shared body) for a request the cache may answer, else None."""
    if request.method != "GET" or not settings.PUBLIC_CACHE_SECONDS:
        return None
    # A session (signed-in, or flash messages) or message cookie means a personal page.
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    known = CACHED_VIEWS.get(match.view_name)
    if known is None:
        return None
    tags, shared = known
    return (EVERYTHING, *tags(match.kwargs)), shared


def _cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def store(response: HttpResponse, *, versions: tuple[tuple[str, str], ...] = ()) -> CachedPage:
    nonce_match = NONCE.search(response.get("Content-Security-Policy", ""))
    csrf_match = CSRF_INPUT.search(response.content)
    headers = tuple((name, response[name]) for name in STORED_HEADERS if response.has_header(name))
    return CachedPage(
        body=response.content,
        headers=headers,
        nonce=nonce_match.group(1) if nonce_match else "",
        csrf_token=csrf_match.group(1) if csrf_match else b"",
        versions=versions,
        expires_at=time.time() + settings.PUBLIC_CACHE_SECONDS,
    )


def _page_key(key: str, encoding: str) -> str:
    return f"{key}:{encoding}"


def encoded(key: str, page: CachedPage, encoding: str) -> CachedPage:
    """The page compressed with `encoding`, stored next to it until the page itself expires
    (so a compressed copy never outlives what it was made from); the page if not worth it."""
    headers = dict(page.headers)
    if not compression.worth_compressing(headers.get("Content-Type", ""), len(page.body)):
        return page
    body = compression.compress(page.body, encoding=encoding)
    if len(body) >= len(page.body):
        return page
    response = HttpResponse()
    for name, value in page.headers:
        response[name] = value
    patch_vary_headers(response, ("Accept-Encoding",))
    compression.set_encoded(response, body=body, encoding=encoding)
    stored = replace(
        page,
        body=body,
        headers=tuple(
            (name, response[name])
            for name in (*STORED_HEADERS, "Content-Encoding")
            if response.has_header(name)
        ),
    )
    remaining = page.expires_at - time.time()
    if remaining > 0:
        cache.set(_page_key(key, encoding), stored, timeout=math.ceil(remaining))
    return stored


def replay(request: HttpRequest, page: CachedPage) -> HttpResponse:
    body = page.body
    headers = dict(page.headers)
    if page.nonce:
        nonce = secrets.token_urlsafe(16)
        body = body.replace(page.nonce.encode(), nonce.encode())
        headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
            page.nonce, nonce
        )
    if page.csrf_token:
        # get_token() also tells the CSRF middleware to send this visitor their cookie.
        body = body.replace(page.csrf_token, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    if "Content-Encoding" in headers:
        response["Content-Length"] = str(len(body))
    response["X-Cache"] = "hit"
    if "ETag" in headers or "Last-Modified" in headers:
        last_modified = response.get("Last-Modified")
        conditional = get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )
        if conditional is not None:
            conditional["X-Cache"] = "hit"
            return conditional
    return response


class PublicPageCacheMiddleware:
    """Sits after the CSRF and locale middleware (language known; the CSRF cookie is still
    set on a hit) and before the CSP middleware (the stored page carries its policy); inside
    ops.compression's middleware, which leaves the pages sent here compressed alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cached = _cached_view(request)
        if cached is None:
            return self.get_response(request)
        tags, shared = cached
        key = _cache_key(request)
        encoding = IDENTITY
        if shared:
            encoding = compression.negotiate(request.headers.get("Accept-Encoding", "")) or IDENTITY
        wanted = _page_key(key, encoding)
        # One round trip: the page and the versions of what it shows.
        found = cache.get_many([wanted, *(TAG_PREFIX + tag for tag in tags)])
        versions = tag_versions(tags, found=found)
        page = found.get(wanted)
        if page is None and encoding != IDENTITY:
            page = cache.get(_page_key(key, IDENTITY))
            if page is not None and page.versions == versions:
                page = encoded(key, page, encoding)
        if page is not None and page.versions == versions:
            return replay(request, page)
        # The versions were read before rendering: a change committed meanwhile bumps them
        # after, so a page rendered from older rows is never served as current.
        response = self.get_response(request)
        if _cacheable_response(response):
            page = store(response, versions=versions)
            cache.set(_page_key(key, IDENTITY), page, timeout=settings.PUBLIC_CACHE_SECONDS)
            if encoding != IDENTITY and page.shared:
                sent = encoded(key, page, encoding)
                if sent is not page:
                    patch_vary_headers(response, ("Accept-Encoding",))
                    compression.set_encoded(response, body=sent.body, encoding=encoding)
            response["X-Cache"] = "miss"
        return response
