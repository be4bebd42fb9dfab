from django.conf import settings
from django.http import HttpRequest

from core.permissions import is_coordinator


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "user_is_coordinator": bool(user) and is_coordinator(user=user),
    }
