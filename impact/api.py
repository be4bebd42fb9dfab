"""API routes of this app: `/api/impact/` gives coordinators the impact report's aggregates
(the same figures as /manage/impact/; groups below five respondents withheld)."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import coordinator_workspaces
from core.vocab import Domain, Profession
from impact.report import ImpactFilter, collect_report
from network.models import Neighbourhood, Partner
from ratings.api import IsCoordinator


class ImpactFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    neighbourhood = serializers.IntegerField(required=False, min_value=1)
    partner = serializers.SlugField(required=False)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    profession = serializers.ChoiceField(choices=Profession.choices, required=False)

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": "The end date lies before the start."})
        workspace_ids = self.context["workspace_ids"]
        neighbourhood = attrs.get("neighbourhood")
        if (
            neighbourhood
            and not Neighbourhood.objects.filter(
                pk=neighbourhood, workspace_id__in=workspace_ids
            ).exists()
        ):
            raise serializers.ValidationError({"neighbourhood": "Unknown neighbourhood."})
        slug = attrs.get("partner")
        if slug:
            partner = Partner.objects.filter(slug=slug, workspace_id__in=workspace_ids).first()
            if partner is None:
                raise serializers.ValidationError({"partner": "Unknown partner."})
            attrs["partner_id"] = partner.pk
        return attrs


class ImpactView(APIView):
    """Impact aggregates of the coordinator's workspaces: referral distributions, shares,
    knowledge gain, partner-side counts and consented stories."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        parameters=[ImpactFilterSerializer],
        responses={200: OpenApiResponse(description="Aggregates as on /manage/impact/")},
    )
    def get(self, request: Request) -> Response:
        workspace_ids = tuple(
            coordinator_workspaces(user=request.user).values_list("pk", flat=True)
        )
        filters = ImpactFilterSerializer(
            data=request.query_params, context={"workspace_ids": workspace_ids}
        )
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        scope = ImpactFilter(
            workspace_ids=workspace_ids,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            neighbourhood_id=data.get("neighbourhood"),
            partner_id=data.get("partner_id"),
            domain=data.get("domain", ""),
            profession=data.get("profession", ""),
        )
        return Response(collect_report(scope=scope).as_dict())


ROUTES: list = []
urlpatterns: list = [path("impact/", ImpactView.as_view(), name="impact")]
