"""API of the change workflow: the change history of an activity, cancelling with a reason
and undoing a cancellation (`/api/activities/{id}/changes/`, `.../cancel/`,
`.../reinstate/`). Editing a published tour's time, place or stops goes through
`PATCH /api/tours/{id}/` with `confirm` (see tours.api) or `POST /api/tours/{id}/preview/`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import Activity
from changes import services
from changes.models import ActivityChange
from core.permissions import coordinator_workspaces


class PreviewSerializer(serializers.Serializer):
    """What a change would tell whom."""

    summary = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField(), source="texts")
    lines = serializers.ListField(child=serializers.DictField(), help_text="The diff as data.")
    registrants = serializers.IntegerField(help_text="Confirmed and waitlisted, to be mailed.")
    partners = serializers.IntegerField(help_text="Partners whose own stop moves, to be mailed.")
    partner_names = serializers.ListField(child=serializers.CharField())


class ConfirmationRequired(APIException):
    """409: the change moves what people were told; nothing was saved."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "confirmation_required"

    def __init__(self, preview: services.Preview) -> None:
        super().__init__()
        self.detail = {
            "confirm": [
                "This change notifies people; nothing was saved. Send it again with "
                '"confirm": true to save it and send the notices.'
            ],
            "preview": PreviewSerializer(preview).data,
        }


class EditConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "edit_conflict"


class ChangeSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="changed, cancelled or reinstated")
    changes = serializers.SerializerMethodField()

    class Meta:
        model = ActivityChange
        fields = [
            "id",
            "kind",
            "changes",
            "lines",
            "reason",
            "sequence",
            "registrants",
            "partners",
            "created_at",
            "notices_sent_at",
        ]
        read_only_fields = fields

    def get_changes(self, change: ActivityChange) -> list[str]:
        return [services.line_text(line) for line in change.lines]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


def _managed(request, pk: int) -> Activity:
    return get_object_or_404(
        Activity, pk=pk, workspace__in=coordinator_workspaces(user=request.user)
    )


class ChangeHistoryView(APIView):
    # Anonymous callers get the same 404 as for an activity of another workspace.
    permission_classes: list = []

    @extend_schema(responses={200: ChangeSerializer(many=True)}, summary="Change history")
    def get(self, request, pk: int):
        activity = _managed(request, pk)
        return Response(ChangeSerializer(services.history(activity=activity), many=True).data)


class CancelView(APIView):
    # Anonymous callers get the same 404 as for an activity of another workspace.
    permission_classes: list = []

    @extend_schema(
        request=ReasonSerializer,
        responses={200: ChangeSerializer, 400: None},
        summary="Cancel a tour or kenniscafé",
        description=(
            "Everyone registered and every partner on the route gets a mail that the organiser "
            "cancelled, with the reason and an .ics with METHOD:CANCEL. Registrations keep "
            "their seats: `reinstate` undoes it until the start."
        ),
    )
    def post(self, request, pk: int):
        activity = _managed(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = services.cancel_activity(
                activity_id=activity.pk, reason=data.validated_data["reason"], user=request.user
            )
        except services.ChangeError as error:
            return Response({"non_field_errors": [error.message]}, status=400)
        return Response(ChangeSerializer(change).data if change else {})


class ReinstateView(APIView):
    # Anonymous callers get the same 404 as for an activity of another workspace.
    permission_classes: list = []

    @extend_schema(
        request=None,
        responses={200: ChangeSerializer},
        summary="Undo a cancellation",
        description="Published again; registrants keep their seats and get a 'goes ahead' mail.",
    )
    def post(self, request, pk: int):
        activity = _managed(request, pk)
        try:
            change = services.reinstate_activity(activity_id=activity.pk, user=request.user)
        except services.ChangeError as error:
            return Response({"non_field_errors": [error.message]}, status=400)
        return Response(ChangeSerializer(change).data)


urlpatterns = [
    path("activities/<int:pk>/changes/", ChangeHistoryView.as_view(), name="activity-changes"),
    path("activities/<int:pk>/cancel/", CancelView.as_view(), name="activity-cancel"),
    path("activities/<int:pk>/reinstate/", ReinstateView.as_view(), name="activity-reinstate"),
]
