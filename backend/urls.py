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
    "feeds.api",
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
    "opendata.urls",
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
