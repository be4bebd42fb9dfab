from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from activities.models import Activity
from sessions.models import KnowledgeSession


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        KnowledgeSession, pk=pk, status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]
    )
    return render(request, "sessions/session_detail.html", {"session": session})
