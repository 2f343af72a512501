"""WOPI access tokens: the ``access_token`` query parameter, or ``Authorization: Bearer`` when it is absent."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.models import User
from wopi.errors import WWW_AUTHENTICATE, InvalidAccessToken
from wopi.selectors import token_reach
from wopi.tokens import AccessGrant, access_token_read


def request_token(request: Request) -> str:
    """The token of a request: the URL's ``access_token`` (clients always send it), else the Bearer header."""
    value = request.query_params.get("access_token")
    if isinstance(value, str) and value:
        return value
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _, credential = header.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


class WopiAccessTokenAuthentication(BaseAuthentication):
    """Authenticates by WOPI access token: ``request.user`` is its user, ``request.auth`` its AccessGrant.

    A missing, forged or expired token, or one whose user is gone or inactive, is a 401 (contract §6).
    """

    def authenticate(self, request: Request) -> tuple[User, AccessGrant]:
        grant = access_token_read(request_token(request))
        if grant is None:
            raise InvalidAccessToken()
        reach = token_reach(user_id=grant.user_id, file_id=grant.file_id)
        if reach is None:
            raise InvalidAccessToken()
        # The file rode along with the user (one statement): WopiApiView.access takes it from here.
        request.wopi_reach = reach  # type: ignore[attr-defined]
        return reach.user, grant

    def authenticate_header(self, request: Request) -> str:
        return WWW_AUTHENTICATE
