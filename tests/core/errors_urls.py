"""Views that fail on purpose, appended to the project's URLs for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path

from backend.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def form(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    path("test-errors/database-down/", database_down),
    path("api/test-errors/database-down/", database_down),
    path("api/test-errors/broken/", broken),
    path("test-errors/form/", form),
    *project_urlpatterns,
]
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
