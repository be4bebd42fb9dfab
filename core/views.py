from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from activities.models import Activity, Registration
from core.permissions import coordinator_workspaces, is_coordinator


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(user=request.user):
        # Partner editors sign in to the same place; their home is their partners' list.
        if request.user.edited_partners.exists():
            return redirect("network:manage_partners")
        raise PermissionDenied
    workspaces = coordinator_workspaces(user=request.user).prefetch_related("neighbourhoods")
    seated = Q(
        registrations__status__in=[Registration.Status.CONFIRMED, Registration.Status.ATTENDED]
    )
    upcoming = (
        Activity.objects.filter(workspace__in=workspaces, ends_at__gte=timezone.now())
        .exclude(status=Activity.Status.CANCELLED)
        .annotate(
            seated=Count("registrations", filter=seated),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )
        .order_by("starts_at")[:20]
    )
    return render(request, "core/dashboard.html", {"workspaces": workspaces, "upcoming": upcoming})
