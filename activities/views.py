from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from activities.models import Activity


def agenda(request: HttpRequest) -> HttpResponse:
    activities = Activity.objects.filter(
        status=Activity.Status.PUBLISHED, ends_at__gte=timezone.now()
    ).select_related("neighbourhood")
    return render(request, "activities/agenda.html", {"activities": activities})
