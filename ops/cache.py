"""The public page cache: the agenda and the public calendar feeds, for anonymous visitors,
served from the shared cache (Redis in production) without touching the database.

Every cached page is stored under a *generation*: any committed change to activities, stops,
registrations (seats left), themes, neighbourhoods or partners replaces the generation, so
every cached page is stale at once and the next request renders afresh. A TTL
(PUBLIC_CACHE_SECONDS) bounds what no signal sees (queryset.update(), time passing).

A cached page carries two per-request secrets that must not be shared between visitors: the
CSP nonce and the CSRF token of the language switch. Both are replaced by fresh ones on every
hit, so the page is cached but the secrets are not.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

GENERATION_KEY = "ops:public-generation"
# Changes in these apps can show on a public page or feed.
WATCHED_APPS = frozenset({"activities", "tours", "knowledge_sessions", "network"})
CACHED_VIEWS = frozenset(
    {
        "activities:agenda",
        "feeds:activities",
        "feeds:activity",
        "feeds:neighbourhood",
        "feeds:partner",
        "feeds:theme",
    }
)
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


def current_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add(): two processes starting at once agree on one generation.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump_generation() -> None:
    """Make every cached public page stale: now, and again after the commit, because a request
    running between the two may have cached the old state under the first new generation."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS:
        bump_generation()


def _on_m2m_change(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and instance._meta.app_label in WATCHED_APPS:
        bump_generation()


def connect_invalidation() -> None:
    post_save.connect(_on_change, dispatch_uid="ops-cache-save")
    post_delete.connect(_on_change, dispatch_uid="ops-cache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="ops-cache-m2m")


def _cache_key(request: HttpRequest, generation: str) -> str:
    where = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"ops:page:{generation}:{get_language()}:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET" or not settings.PUBLIC_CACHE_SECONDS:
        return False
    # A session (signed-in, or flash messages) or message cookie means a personal page.
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in CACHED_VIEWS


def _cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def store(response: HttpResponse) -> CachedPage:
    nonce_match = NONCE.search(response.get("Content-Security-Policy", ""))
    csrf_match = CSRF_INPUT.search(response.content)
    headers = tuple((name, response[name]) for name in STORED_HEADERS if response.has_header(name))
    return CachedPage(
        body=response.content,
        headers=headers,
        nonce=nonce_match.group(1) if nonce_match else "",
        csrf_token=csrf_match.group(1) if csrf_match else b"",
    )


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
    set on a hit) and before the CSP middleware (the stored page carries its policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _cache_key(request, current_generation())
        page = cache.get(key)
        if page is not None:
            return replay(request, page)
        response = self.get_response(request)
        if _cacheable_response(response):
            cache.set(key, store(response), timeout=settings.PUBLIC_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response
