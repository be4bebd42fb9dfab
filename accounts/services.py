"""Accounts: invitations, API tokens, two-factor devices and the password-reset budget."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Invitation
from activities.ratelimit import client_address as _client_address
from activities.ratelimit import parse_rate
from core.models import Membership, Workspace

# Integrations send this prefix, so a leaked token is recognisable in logs and secret scanners.
API_TOKEN_PREFIX = "wt_"


class InvitationError(Exception):
    """The link is unknown, used, revoked or expired; the message says which in plain words."""


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address for axes, or None when there is no valid one (axes stores it in
    an IP column, which PostgreSQL checks)."""
    address = _client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def over_password_reset_limit(request: HttpRequest) -> bool:
    """Count a reset request against the client's budget; True once the budget is used up."""
    limit, window = parse_rate(settings.PASSWORD_RESET_RATE_LIMIT)
    key = f"ratelimit:password-reset:{_client_address(request)}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit


# --- invitations ---


def invite(
    *,
    workspace: Workspace,
    email: str,
    role: str,
    partners=(),
    created_by: AbstractBaseUser,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and mail its link once the transaction commits."""
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email.strip(),
        role=role,
        token_hash=hash_token(raw),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    if role == Invitation.Role.PARTNER_EDITOR:
        invitation.partners.set(partners)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: send_invitation_mail(invitation=invitation, raw_token=raw, language=language)
    )
    return invitation, raw


def send_invitation_mail(*, invitation: Invitation, raw_token: str, language: str) -> None:
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[raw_token])
    with translation.override(language):
        context = {"invitation": invitation, "link": link}
        subject = _("Invitation to Wijktour: %(workspace)s") % {
            "workspace": invitation.workspace.name
        }
        body = render_to_string("accounts/invitation_mail.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send()


def find_invitation(*, raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Sign in instead."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask your coordinator for a new one."))
    return invitation


def accept_invitation(*, raw_token: str, username: str, password: str) -> AbstractBaseUser:
    """Create the account and its membership or editor links; the link then stops working."""
    with transaction.atomic():
        invitation = find_invitation(raw_token=raw_token)
        # Only one of two simultaneous accepts may win.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise InvitationError(_("This invitation has already been used. Sign in instead."))
        user = get_user_model().objects.create_user(
            username=username, email=invitation.email, password=password
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        if invitation.role == Invitation.Role.COORDINATOR:
            Membership.objects.get_or_create(
                user=user,
                workspace=invitation.workspace,
                defaults={"role": Membership.Role.COORDINATOR},
            )
        else:
            for partner in invitation.partners.all():
                partner.editors.add(user)
    return user


def revoke_invitation(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- API tokens ---


def create_api_token(
    *, workspace: Workspace, name: str, created_by: AbstractBaseUser
) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=workspace, name=name, token_hash=hash_token(raw), created_by=created_by
    )
    return token, raw


def revoke_api_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def resolve_api_token(*, raw: str) -> ApiToken | None:
    """The live token for this secret, or None. Notes the use at most once a minute."""
    token = (
        ApiToken.objects.select_related("created_by")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- two-factor authentication (TOTP) ---


def confirmed_totp_device(*, user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(*, user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_totp_setup(*, user: AbstractBaseUser) -> TOTPDevice:
    """A fresh, unconfirmed authenticator key; replaces an earlier unfinished setup."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp(*, user: AbstractBaseUser, code: str) -> bool:
    """Confirm the pending authenticator with a code from the app; True when it matched."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def verify_totp(*, user: AbstractBaseUser, code: str) -> bool:
    device = confirmed_totp_device(user=user)
    return device is not None and bool(device.verify_token(code.strip().replace(" ", "")))


def disable_totp(*, user: AbstractBaseUser) -> None:
    TOTPDevice.objects.filter(user=user).delete()
