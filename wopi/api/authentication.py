"""WOPI access tokens: the ``access_token`` query parameter, or ``Authorization: Bearer`` when it is absent."""

from __future__ import annotations

from django.db import connections, router
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from accounts.models import User
from wopi.errors import WWW_AUTHENTICATE, InvalidAccessToken
from wopi.tokens import AccessGrant, access_token_read


def request_token(request: Request) -> str:
    """The token of a request: the URL's ``access_token`` (clients always send it), else the Bearer header."""
    value = request.query_params.get("access_token")
    if isinstance(value, str) and value:
        return value
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _, credential = header.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


def active_user(user_id: int) -> User | None:
    """The active user ``user_id``, or None. Every WOPI request asks, so the statement is written once here
    instead of compiling an ORM query each time."""
    table = connections[router.db_for_read(User)].ops.quote_name(User._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE id = %s AND is_active = %s"  # noqa: S608 - table from _meta  # nosec B608
    return next(iter(User.objects.raw(sql, [user_id, True])), None)


class WopiAccessTokenAuthentication(BaseAuthentication):
    """Authenticates by WOPI access token: ``request.user`` is its user, ``request.auth`` its AccessGrant.

    A missing, forged or expired token, or one whose user is gone or inactive, is a 401 (contract §6).
    """

    def authenticate(self, request: Request) -> tuple[User, AccessGrant]:
        grant = access_token_read(request_token(request))
        if grant is None:
            raise InvalidAccessToken()
        user = active_user(grant.user_id)
        if user is None:
            raise InvalidAccessToken()
        return user, grant

    def authenticate_header(self, request: Request) -> str:
        return WWW_AUTHENTICATE
