"""Our own error pages (404, 403, 500, 503, CSRF failure) and the database-down answer.

Pages are rendered without the request's context processors: an error page must not need
the database (the signed-in user lives there) or the session, or a database outage would
turn every 503 into a second error. API paths (/api/) get JSON with the same message.

A database that cannot be reached (OperationalError/InterfaceError: PostgreSQL restarting,
SQLite's busy timeout used up) answers 503 with Retry-After, never a traceback; nothing was
written, since every write runs in a transaction that the error rolled back.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("wijktour.errors")
RETRY_AFTER_SECONDS = "5"
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "").split(",")[0]
    )


def _answer(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        body = render_to_string(
            "errors/error.html",
            {"status": status, "title": title, "message": message, "path": request.path},
        )
        response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
        response["Cache-Control"] = "no-store"
    return response


def service_unavailable(request: HttpRequest) -> HttpResponse:
    return _answer(
        request,
        status=503,
        title=_("Temporarily unavailable"),
        message=_(
            "Wijktour cannot reach its database for a moment. Nothing was saved; please try "
            "again in a few seconds."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=404,
        title=_("Page not found"),
        message=_("This page does not exist (any more). Check the address or start again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=403,
        title=_("No access"),
        message=_(
            "You do not have access to this page. Sign in with another account or ask the "
            "coordinator of your workspace."
        ),
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request,
        status=400,
        title=_("Bad request"),
        message=_("We could not understand this request. Go back and try again."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: runs inside the except block, so it can tell a database outage apart."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return service_unavailable(request)
    return _answer(
        request,
        status=500,
        title=_("Something went wrong"),
        message=_("Something went wrong on our side. It has been logged; please try again later."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(
        request,
        status=403,
        title=_("Form expired"),
        message=_(
            "This form was open too long or cookies are blocked, so we could not accept it. "
            "Go back, reload the page and send it again."
        ),
    )


class DatabaseUnavailableMiddleware:
    """Turns a database outage in a view into the 503 page. Outermost middleware, so it also
    sees errors raised in the other middleware (sessions, authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:
            return self._unavailable(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, error: Exception) -> HttpResponse:
        logger.warning("database unavailable: %s", error.__class__.__name__)
        if settings.DEBUG:
            raise error  # a developer wants the traceback
        return service_unavailable(request)
