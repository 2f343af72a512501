"""GET /channels serves both families: a data token gets its reachable channels, a session the admin list."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from accounts.api.authentication import PryvSessionAuthentication, PryvTokenAuthentication
from accounts.errors import InvalidCredentials, InvalidToken
from accounts.models import AccessToken, User


class PryvTokenOrSessionAuthentication(BaseAuthentication):
    """A data access token (``request.auth`` is the AccessToken), else a live session (the session key).

    Neither is ``401 INVALID_TOKEN``, the answer of the activity family (contract §9).
    """

    def authenticate(self, request: Request) -> tuple[User, AccessToken | str]:
        try:
            return PryvTokenAuthentication().authenticate(request)
        except InvalidToken:
            pass
        try:
            return PryvSessionAuthentication().authenticate(request)
        except (InvalidCredentials, PermissionDenied) as exc:
            raise InvalidToken() from exc

    def authenticate_header(self, request: Request) -> str:
        return "Pryv-Token"
