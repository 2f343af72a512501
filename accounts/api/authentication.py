"""Pryv credentials: a data access token for activity endpoints, a session id for administration ones.

Both come raw in ``Authorization`` (no scheme), or in the ``auth`` query parameter as a fallback; the
header wins when both are present (contract §1.6).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.errors import InvalidCredentials, InvalidToken
from accounts.models import AccessToken, User
from accounts.selectors import access_token_by_secret, user_by_session


def pryv_credential(request: Request) -> str:
    header = str(request.META.get("HTTP_AUTHORIZATION", "")).strip()
    if header:
        return header
    value = request.query_params.get("auth", "")
    return value.strip() if isinstance(value, str) else ""


class PryvTokenAuthentication(BaseAuthentication):
    """Authenticates activity calls by data access token: ``request.auth`` is the AccessToken."""

    def authenticate(self, request: Request) -> tuple[User, AccessToken]:
        token = access_token_by_secret(secret=pryv_credential(request))
        if token is None:
            raise InvalidToken()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Pryv-Token"


class PryvSessionAuthentication(BaseAuthentication):
    """Authenticates administration calls by session id (header), or the browser's session cookie."""

    def authenticate(self, request: Request) -> tuple[User, str]:
        credential = pryv_credential(request)
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(session_key=credential) if credential else request._request.session
        user = user_by_session(session=session)
        if user is None:
            raise InvalidCredentials()
        return user, session.session_key or ""

    def authenticate_header(self, request: Request) -> str:
        return "Pryv-Session"
