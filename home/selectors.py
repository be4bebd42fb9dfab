"""What the dashboard shows, read across the apps it composes."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from activities.models import Activity, Registration


def upcoming_activities(*, workspaces: QuerySet, limit: int = 20) -> QuerySet[Activity]:
    """The next activities of these workspaces, each with its seated and waiting counts."""
    seated = Q(
        registrations__status__in=[Registration.Status.CONFIRMED, Registration.Status.ATTENDED]
    )
    return (
        Activity.objects.filter(workspace__in=workspaces, ends_at__gte=timezone.now())
        .exclude(status=Activity.Status.CANCELLED)
        .annotate(
            seated=Count("registrations", filter=seated),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )
        .order_by("starts_at")[:limit]
    )
