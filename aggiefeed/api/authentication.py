"""Aggiefeed credentials: a source's key (``Authorization: ApiKey <key>``), or a moderator's admin session."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import User
from aggiefeed.models import ApiKey
from aggiefeed.selectors import api_key_by_secret

SCHEME = "apikey"


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: ApiKey <key>``: ``request.auth`` is the ApiKey; there is no user (a key is a source).

    No header, or another scheme, leaves the request unauthenticated (401 through the permission check);
    an ApiKey header with an unknown or revoked key is a 401 at once. Both are DRF's own exceptions, so
    the 401 carries ``WWW-Authenticate: ApiKey`` (a DomainError here would skip that header).
    """

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        header = str(request.META.get("HTTP_AUTHORIZATION", ""))
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != SCHEME:
            return None
        api_key = api_key_by_secret(secret=secret.strip())
        if api_key is None:
            raise AuthenticationFailed("The API key is unknown.")
        return None, api_key

    def authenticate_header(self, request: Request) -> str:
        return "ApiKey"


class ModeratorSessionAuthentication(SessionAuthentication):
    """The Django session of the admin login (cookie, CSRF token on unsafe methods): moderation is a person's act."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, _ = result
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="admin"'
