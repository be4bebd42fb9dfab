"""Rate limits of registration and cancelling, on top of core.ratelimit.

Registration is limited three ways, so one person cannot hammer while 40 colleagues behind
one hospital's or municipality's public address can all register when a popular kenniscafé
opens: per client address (a high ceiling, REGISTRATION_RATE_LIMIT), per e-mail address
(REGISTRATION_EMAIL_RATE_LIMIT) and per activity (REGISTRATION_ACTIVITY_RATE_LIMIT).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest

from core.ratelimit import client_address, hit, parse_rate

__all__ = ["client_address", "over_limit", "over_registration_limits", "parse_rate"]


def over_limit(request: HttpRequest, *, scope: str, rate: str | None = None) -> bool:
    """Count this request against the client address's budget; True once it is used up.

    `rate` is "<count>/<seconds>"; registration's per-address limit unless given.
    """
    return hit(
        key=f"{scope}:{client_address(request)}", rate=rate or settings.REGISTRATION_RATE_LIMIT
    )


def over_registration_limits(*, email: str, activity_id: int) -> bool:
    """Count one registration attempt for this e-mail address and this activity."""
    # The e-mail address is hashed: cache keys show up in monitoring and logs.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
    over_email = hit(key=f"register-email:{digest}", rate=settings.REGISTRATION_EMAIL_RATE_LIMIT)
    over_activity = hit(
        key=f"register-activity:{activity_id}", rate=settings.REGISTRATION_ACTIVITY_RATE_LIMIT
    )
    return over_email or over_activity
