from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from activities.models import Activity
from tours.models import Tour


def tour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tour = get_object_or_404(
        Tour, pk=pk, status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]
    )
    return render(request, "tours/tour_detail.html", {"tour": tour})
