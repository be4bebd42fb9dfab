"""Remember, for the length of one request, which request is running, so the audit signals can
name the signed-in actor without every view passing it along. The user is only looked up when
something is saved, so read-only requests cost no extra query."""

from collections.abc import Callable
from contextvars import ContextVar

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_actor() -> User | None:
    """The signed-in user of the running request, or None outside requests and for anonymous."""
    request = _current_request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
