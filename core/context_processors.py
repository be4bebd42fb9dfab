from django.conf import settings
from django.http import HttpRequest

from core.permissions import is_coordinator


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    coordinator = bool(user) and is_coordinator(user=user)
    return {
        "SITE_URL": settings.SITE_URL,
        "user_is_coordinator": coordinator,
        # Partner editors get a "Beheer" too: their home lists what they may do.
        "user_edits_partners": bool(user)
        and user.is_authenticated
        and not coordinator
        and user.edited_partners.exists(),
    }
