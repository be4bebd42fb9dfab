"""API of the feeds app: partners' own activities imported from their calendars (public,
read-only). `ROUTES` are registered on the root router, `urlpatterns` mounted under /api/."""

import django_filters
from django.utils import timezone
from rest_framework import serializers, viewsets

from feeds.models import ImportedEvent
from network.models import Neighbourhood, Partner


class PartnerEventSerializer(serializers.ModelSerializer):
    partner = serializers.SlugRelatedField(source="feed.partner", slug_field="slug", read_only=True)
    partner_name = serializers.CharField(source="feed.partner.name", read_only=True)

    class Meta:
        model = ImportedEvent
        fields = [
            "id",
            "partner",
            "partner_name",
            "summary",
            "description",
            "location",
            "starts_at",
            "ends_at",
            "all_day",
            "url",
        ]
        read_only_fields = fields


class PartnerEventFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(
        field_name="feed__partner", to_field_name="slug", queryset=Partner.objects.all()
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        field_name="feed__partner__neighbourhoods",
        to_field_name="slug",
        queryset=Neighbourhood.objects.all(),
        distinct=True,
    )
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = ImportedEvent
        fields = ["partner", "neighbourhood", "starts_after", "starts_before"]


class PartnerEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Upcoming activities partners publish in their own calendars (register with them)."""

    serializer_class = PartnerEventSerializer
    filterset_class = PartnerEventFilter

    def get_queryset(self):
        return (
            ImportedEvent.objects.filter(
                ends_at__gte=timezone.now(), feed__enabled=True, feed__partner__is_active=True
            )
            .select_related("feed__partner")
            .order_by("starts_at", "pk")
        )


ROUTES: list = [("partner-events", PartnerEventViewSet, "partner-event")]
urlpatterns: list = []
