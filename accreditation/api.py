"""API: an activity's accreditations for everyone (`accreditations` on kenniscafés and tours),
and for its coordinators the presence (`/api/activities/<id>/presence/`, with the paste-ready
numbers per registry), the presence list as PDF or XLSX, and closing attendance."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation import documents, services
from accreditation.models import Accreditation
from activities.models import Activity
from core.permissions import coordinator_workspaces


class AccreditationSerializer(serializers.ModelSerializer):
    """Public: what an activity is accredited for (no deadlines, no internal notes)."""

    class Meta:
        model = Accreditation
        fields = ["registry", "accreditation_id", "points", "hours", "status"]
        read_only_fields = fields


class PresenceRowSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="registration.pk")
    name = serializers.CharField(source="registration.name")
    surname = serializers.CharField()
    initials = serializers.CharField()
    profession = serializers.CharField(source="registration.profession")
    status = serializers.CharField(source="registration.status")
    numbers = serializers.DictField(child=serializers.CharField())
    arrived_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)
    minutes = serializers.IntegerField()
    full = serializers.DictField(child=serializers.BooleanField())


class PresenceSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity.pk")
    closed_at = serializers.DateTimeField(source="closure.closed_at", allow_null=True)
    accreditations = AccreditationSerializer(many=True)
    required_minutes = serializers.DictField(child=serializers.IntegerField(), source="required")
    lists = serializers.SerializerMethodField()
    rows = PresenceRowSerializer(many=True)

    def get_lists(self, data) -> dict[str, list[str]]:
        return services.attended_by_registry(data=data)


def _managed(request, pk) -> Activity:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Activity.objects.select_related("workspace"),
        pk=pk,
        workspace__in=coordinator_workspaces(user=request.user),
    )


class PresenceView(APIView):
    """Coordinators: who attended how long, and per registry the numbers to submit."""

    @extend_schema(responses={200: PresenceSerializer, 404: None})
    def get(self, request, pk):
        activity = _managed(request, pk)
        return Response(PresenceSerializer(services.presence(activity=activity)).data)


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _document(request, pk, *, kind: str) -> HttpResponse:
    activity = _managed(request, pk)
    data = services.presence(activity=activity)
    if kind == "pdf":
        content, content_type = documents.presence_pdf(data=data), PDF
    else:
        content, content_type = documents.presence_xlsx(data=data), XLSX
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="presentielijst-{activity.pk}.{kind}"'
    return response


class PresencePdfView(APIView):
    """Coordinators: the presence list as PDF (A4, one section per registry)."""

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY, 404: None})
    def get(self, request, pk):
        return _document(request, pk, kind="pdf")


class PresenceXlsxView(APIView):
    """Coordinators: the presence list as XLSX (one sheet per registry)."""

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, 404: None})
    def get(self, request, pk):
        return _document(request, pk, kind="xlsx")


class CloseResultSerializer(serializers.Serializer):
    closed_at = serializers.DateTimeField()
    certificates_issued = serializers.IntegerField()


class CloseAttendanceView(APIView):
    """Coordinators: close attendance (no-shows marked, certificates issued and mailed)."""

    @extend_schema(request=None, responses={200: CloseResultSerializer, 400: None, 404: None})
    def post(self, request, pk):
        activity = _managed(request, pk)
        try:
            closure, issued = services.close_attendance(activity_id=activity.pk, actor=request.user)
        except services.AccreditationError as error:
            return Response({"activity": [str(error.message)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"closed_at": closure.closed_at, "certificates_issued": len(issued)})


ROUTES: list = []
urlpatterns: list = [
    path("activities/<int:pk>/presence/", PresenceView.as_view(), name="activity-presence"),
    path(
        "activities/<int:pk>/presence.pdf",
        PresencePdfView.as_view(),
        name="activity-presence-pdf",
    ),
    path(
        "activities/<int:pk>/presence.xlsx",
        PresenceXlsxView.as_view(),
        name="activity-presence-xlsx",
    ),
    path(
        "activities/<int:pk>/attendance/close/",
        CloseAttendanceView.as_view(),
        name="activity-attendance-close",
    ),
]
