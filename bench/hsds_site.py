"""WSGI app for bench_hsds.py's load phase: the real site plus the trivial DRF baseline list
at /bench/trivial/ (bench only; never deployed)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402

from backend.urls import urlpatterns as site_patterns  # noqa: E402
from network.models import Partner  # noqa: E402


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["slug", "name"]


class TrivialPartnerList(generics.ListAPIView):
    """The baseline: the simplest DRF list over the same table, same page size."""

    queryset = Partner.objects.order_by("name", "pk")
    serializer_class = NameSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    filter_backends: list = []


urlpatterns = [path("bench/trivial/", TrivialPartnerList.as_view()), *site_patterns]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
