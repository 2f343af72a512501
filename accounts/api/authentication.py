"""Pryv credentials: a data access token for activity endpoints, a session id for administration ones.

Both come raw in ``Authorization`` (no scheme), or in the ``auth`` query parameter as a fallback; the
header wins when both are present (contract §1.6). A browser may instead carry its Django session cookie
to the administration endpoints; then, and only then, CSRF is enforced.

Either way the credential must belong to the routed user (contract §1.1): the ``userName`` query parameter,
else the host name ``{username}.{PRYV_DOMAIN}``. A credential of another user is refused exactly like an
invalid one, so a caller learns nothing about other users.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.http.request import split_domain_port
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.request import Request

from accounts.errors import InvalidCredentials, InvalidToken
from accounts.models import AccessToken, User
from accounts.selectors import access_token_by_secret, user_by_session
from accounts.services import session_store, session_touch

# Django session keys are 32 characters of lowercase letters and digits; anything else is not one.
_SESSION_KEY = re.compile(r"^[a-z0-9]{8,64}$")


def pryv_credential(request: Request) -> str:
    """The raw credential of a Pryv call: the ``Authorization`` header, else the ``auth`` query parameter."""
    header = str(request.META.get("HTTP_AUTHORIZATION", "")).strip()
    if header:
        return header
    value = request.query_params.get("auth", "")
    return value.strip() if isinstance(value, str) else ""


def routed_username(request: Request | HttpRequest) -> str | None:
    """The user a request is addressed to: ``userName`` in the query, else ``{name}.{PRYV_DOMAIN}``, else None."""
    value = request.GET.get("userName", "")
    if isinstance(value, str) and value.strip():
        return value.strip()
    domain, _ = split_domain_port(request.get_host())
    suffix = "." + settings.PRYV_DOMAIN.lower()
    if domain.endswith(suffix):
        name = domain[: -len(suffix)]
        if name and "." not in name:
            return name
    return None


def is_routed_to(request: Request, user: User) -> bool:
    """Whether ``user`` may answer this request: no user is routed, or the routed one is ``user`` (any case)."""
    name = routed_username(request)
    return name is None or name.casefold() == user.username.casefold()


def request_session(request: Request) -> SessionBase:
    """The session that authenticated an administration call: the one named by the credential, else the cookie's."""
    credential = pryv_credential(request)
    if credential:
        return session_store(credential)
    return request._request.session


class PryvTokenAuthentication(BaseAuthentication):
    """Authenticates activity calls by data access token: ``request.auth`` is the AccessToken.

    A missing, unknown or foreign token (another user's, for the routed user) is ``401 INVALID_TOKEN``.
    """

    def authenticate(self, request: Request) -> tuple[User, AccessToken]:
        token = access_token_by_secret(secret=pryv_credential(request))
        if token is None or not is_routed_to(request, token.user):
            raise InvalidToken()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Pryv-Token"


class PryvSessionAuthentication(BaseAuthentication):
    """Authenticates administration calls by session id, or the browser's session cookie (CSRF enforced then).

    ``request.auth`` is the session key. A missing, expired, ended or foreign session, and anything that is
    not a session (a data access token), is ``401 INVALID_CREDENTIALS``. Each use extends the session's
    life (contract §3.6), written at most once per ``SESSION_TOUCH_SECONDS``.
    """

    def authenticate(self, request: Request) -> tuple[User, str]:
        credential = pryv_credential(request)
        from_cookie = not credential
        if from_cookie:
            session = request._request.session
        elif _SESSION_KEY.match(credential):
            session = session_store(credential)
        else:
            raise InvalidCredentials()
        user = user_by_session(session=session)
        if user is None or not is_routed_to(request, user) or not session.session_key:
            raise InvalidCredentials()
        if from_cookie:
            self.enforce_csrf(request)
        if not session_touch(session=session, persist=not from_cookie):
            raise InvalidCredentials()
        return user, session.session_key

    def enforce_csrf(self, request: Request) -> None:
        """Refuse an unsafe cookie-authenticated call without a valid CSRF token (as DRF's SessionAuthentication)."""

        def dummy_get_response(_: object) -> None:  # pragma: no cover - never called by process_view
            return None

        check = CSRFCheck(dummy_get_response)  # type: ignore[arg-type]
        check.process_request(request._request)
        reason = check.process_view(request._request, None, (), {})  # type: ignore[arg-type]
        if reason:
            raise exceptions.PermissionDenied(f"CSRF check failed: {reason}")

    def authenticate_header(self, request: Request) -> str:
        return "Pryv-Session"
