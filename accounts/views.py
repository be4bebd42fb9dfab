"""Sign-in (with the two-factor step), password reset, account security, invitations and API
tokens. Views stay thin: they validate and call accounts.services."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AcceptInvitationForm, ApiTokenForm, CodeForm, InvitationForm
from accounts.models import ApiToken, Invitation
from core.models import Workspace
from core.permissions import coordinator_workspaces

PENDING_USER_KEY = "accounts_2fa_user"
PENDING_BACKEND_KEY = "accounts_2fa_backend"
PENDING_NEXT_KEY = "accounts_2fa_next"
PENDING_TRIES_KEY = "accounts_2fa_tries"
MAX_CODE_TRIES = 5


class LoginView(auth_views.LoginView):
    """Password first; accounts with an authenticator then confirm a code before sign-in."""

    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if not services.has_two_factor(user=user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_USER_KEY] = user.pk
        self.request.session[PENDING_BACKEND_KEY] = user.backend
        self.request.session[PENDING_NEXT_KEY] = self.get_success_url()
        self.request.session[PENDING_TRIES_KEY] = 0
        return redirect("login_code")


def login_code(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER_KEY)
    if user_id is None:
        return redirect("login")
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(user=user, code=form.cleaned_data["code"]):
            backend = request.session.pop(PENDING_BACKEND_KEY)
            next_url = request.session.pop(PENDING_NEXT_KEY, "")
            request.session.pop(PENDING_USER_KEY)
            request.session.pop(PENDING_TRIES_KEY, None)
            login(request, user, backend=backend)
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        tries = request.session.get(PENDING_TRIES_KEY, 0) + 1
        request.session[PENDING_TRIES_KEY] = tries
        if tries >= MAX_CODE_TRIES:
            request.session.flush()
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("login")
        form.add_error("code", _("This code is not right. Try the newest code from your app."))
    return render(request, "accounts/login_code.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if services.over_password_reset_limit(request):
            return render(
                request,
                "accounts/rate_limited.html",
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # The domain comes from SITE_URL, never from the request's Host header.
        protocol, _sep, domain = settings.SITE_URL.partition("://")
        form.save(
            domain_override=domain,
            use_https=protocol == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=None,
            extra_email_context={"protocol": protocol, "domain": domain},
        )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Set up, confirm or switch off two-factor sign-in."""
    user = request.user
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            services.start_totp_setup(user=user)
            return redirect("accounts:security")
        if action == "confirm" and form.is_valid():
            if services.confirm_totp(user=user, code=form.cleaned_data["code"]):
                messages.success(request, _("Two-factor sign-in is on."))
                return redirect("accounts:security")
            form.add_error("code", _("This code is not right. Try the newest code from your app."))
        if action == "disable":
            if settings.REQUIRE_2FA_FOR_COORDINATORS and coordinator_workspaces(user=user).exists():
                messages.error(request, _("Coordinators must keep two-factor sign-in on."))
            else:
                services.disable_totp(user=user)
                messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:security")
    enabled = services.has_two_factor(user=user)
    pending = None if enabled else user.totpdevice_set.filter(confirmed=False).first()
    context = {
        "enabled": enabled,
        "pending": pending,
        "form": form,
        "required": settings.REQUIRE_2FA_FOR_COORDINATORS
        and coordinator_workspaces(user=user).exists(),
    }
    if pending is not None:
        context["qr"] = _qr_svg(pending.config_url)
        context["secret"] = base64.b32encode(pending.bin_key).decode()
    return render(request, "accounts/security.html", context)


def _workspace_for(request: HttpRequest) -> Workspace:
    """The coordinator's workspace for these pages (?workspace=<slug> picks among several)."""
    workspaces = coordinator_workspaces(user=request.user).order_by("name")
    slug = request.GET.get("workspace") or request.POST.get("workspace")
    workspace = workspaces.filter(slug=slug).first() if slug else workspaces.first()
    if workspace is None:
        raise PermissionDenied
    return workspace


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    form = InvitationForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        services.invite(
            workspace=workspace,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            partners=form.cleaned_data["partners"],
            created_by=request.user,
        )
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("accounts:invitations")
    listed = (
        Invitation.objects.filter(workspace=workspace)
        .select_related("accepted_by")
        .prefetch_related("partners")
    )
    return render(
        request,
        "accounts/invitations.html",
        {"workspace": workspace, "form": form, "invitations": listed, "now": timezone.now()},
    )


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation, pk=pk, workspace__in=coordinator_workspaces(user=request.user)
    )
    services.revoke_invitation(invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:invitations")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.find_invitation(raw_token=token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                raw_token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)
        messages.success(request, _("Your account is ready. Sign in with your new password."))
        return redirect("login")
    return render(
        request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form}
    )


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.create_api_token(
            workspace=workspace, name=form.cleaned_data["name"], created_by=request.user
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(workspace=workspace).select_related("created_by")
    response = render(
        request,
        "accounts/api_tokens.html",
        {"workspace": workspace, "form": form, "tokens": tokens, "new_token": new_token},
    )
    # The page shows a secret once: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(
        ApiToken, pk=pk, workspace__in=coordinator_workspaces(user=request.user)
    )
    services.revoke_api_token(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
