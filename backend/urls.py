"""Root URLs. Each app contributes its pages (`<app>/urls.py`) and its API (`<app>/api.py`:
`ROUTES` for the router and `urlpatterns` for other API paths), so apps never edit this file."""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

API_MODULES = [
    "network.api",
    "activities.api",
    "tours.api",
    "sessions.api",
    "ratings.api",
    "impact.api",
    "feeds.api",
    "changes.api",
    "accreditation.api",
    "opendata.api",
]
PAGE_MODULES = [
    "core.urls",
    "network.urls",
    "activities.urls",
    "tours.urls",
    "sessions.urls",
    "ratings.urls",
    "feeds.urls",
    "privacy.urls",
    "accounts.pages",
    "impact.urls",
    "changes.urls",
    "accreditation.urls",
    "opendata.urls",
    "home.urls",
]

router = DefaultRouter()
api_extra: list = []
for module_name in API_MODULES:
    module = import_module(module_name)
    for prefix, viewset, basename in getattr(module, "ROUTES", []):
        router.register(prefix, viewset, basename=basename)
    api_extra += getattr(module, "urlpatterns", [])

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include(api_extra)),
    path("api/", include(router.urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
for module_name in PAGE_MODULES:
    urlpatterns.append(path("", include(module_name)))

# Our own error pages, in the site's layout, JSON under /api/ (core.errors).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
