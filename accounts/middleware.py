"""Coordinators must set up two-factor sign-in before managing anything, when required."""

from django.conf import settings
from django.shortcuts import redirect

from accounts.services import has_two_factor
from core.permissions import is_coordinator


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_2FA_FOR_COORDINATORS
            and request.path.startswith("/manage/")
            and request.user.is_authenticated
            and is_coordinator(user=request.user)
            and not has_two_factor(user=request.user)
        ):
            return redirect("accounts:security")
        return self.get_response(request)
