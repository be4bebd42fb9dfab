"""API: `/api/sessions/` lists upcoming published kenniscafés with the agenda's filters.
The online meeting link is never part of it (confirmed registrants only)."""

from django.utils import timezone

from accreditation.api import AccreditationSerializer
from activities.api import ActivitySerializer, ActivityViewSet
from activities.filters import ActivityFilter
from activities.services import with_seats
from sessions.models import KnowledgeSession


class SessionFilter(ActivityFilter):
    class Meta(ActivityFilter.Meta):
        model = KnowledgeSession


class SessionSerializer(ActivitySerializer):
    accreditations = AccreditationSerializer(many=True, read_only=True)

    class Meta(ActivitySerializer.Meta):
        model = KnowledgeSession
        fields = [
            *ActivitySerializer.Meta.fields,
            "speakers",
            "programme",
            "accreditations",
            "series",
        ]
        read_only_fields = fields


class SessionViewSet(ActivityViewSet):
    """Upcoming published kenniscafés."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return (
            with_seats(
                KnowledgeSession.objects.filter(
                    status=KnowledgeSession.Status.PUBLISHED, ends_at__gte=timezone.now()
                )
            )
            .select_related("neighbourhood")
            .prefetch_related("themes", "accreditations")
            .order_by("starts_at", "pk")
        )


ROUTES: list = [("sessions", SessionViewSet, "session")]
urlpatterns: list = []
