"""API routes of this app: `ROUTES` are registered on the root router, `urlpatterns` are
mounted under /api/. `/api/insights/` gives coordinators the dashboard's aggregates."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import coordinator_workspaces, is_coordinator
from network.models import Neighbourhood
from ratings.insights import InsightsFilter, collect_insights


class IsCoordinator(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_coordinator(user=request.user)


class InsightsFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    neighbourhood = serializers.SlugField(
        required=False, help_text="The neighbourhood's slug, as in every other filter."
    )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": _("The end date lies before the start date.")}
            )
        slug = attrs.get("neighbourhood")
        if slug:
            found = Neighbourhood.objects.filter(
                slug=slug, workspace_id__in=self.context["workspace_ids"]
            ).values_list("pk", flat=True)
            if not found:
                raise serializers.ValidationError({"neighbourhood": _("Unknown neighbourhood.")})
            attrs["neighbourhood_id"] = found[0]
        return attrs


class InsightsView(APIView):
    """Aggregated ratings of the coordinator's workspaces (anonymised; small groups withheld)."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        parameters=[InsightsFilterSerializer],
        responses={200: OpenApiResponse(description="Aggregates as on /manage/insights/")},
    )
    def get(self, request: Request) -> Response:
        workspace_ids = tuple(
            coordinator_workspaces(user=request.user).values_list("pk", flat=True)
        )
        filters = InsightsFilterSerializer(
            data=request.query_params, context={"workspace_ids": workspace_ids}
        )
        filters.is_valid(raise_exception=True)
        scope = InsightsFilter(
            workspace_ids=workspace_ids,
            date_from=filters.validated_data.get("date_from"),
            date_to=filters.validated_data.get("date_to"),
            neighbourhood_id=filters.validated_data.get("neighbourhood_id"),
        )
        return Response(collect_insights(scope=scope).as_dict())


ROUTES: list = []
urlpatterns: list = [path("insights/", InsightsView.as_view(), name="insights")]
