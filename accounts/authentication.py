"""API tokens for integrations: `Authorization: Token <secret>` or `Bearer <secret>`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.services import resolve_api_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates as the token's creator, scoped to the token's workspace.

    The scope travels on the user object (`api_token_workspace_id`) because the permission
    functions in core.permissions take a user, not a request.
    """

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        token = resolve_api_token(raw=raw)
        if token is None or not token.created_by.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        user = token.created_by
        user.api_token_workspace_id = token.workspace_id
        return user, token

    def authenticate_header(self, request) -> str | None:
        # Only a request that tried a token is told to retry with one (401); anonymous and
        # session requests keep DRF's 403 for "not allowed".
        header = authentication.get_authorization_header(request).split()
        if header and header[0].decode(errors="replace").lower() in self.keywords:
            return "Bearer"
        return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A workspace API token (also accepted as `Authorization: Token …`).",
        }
