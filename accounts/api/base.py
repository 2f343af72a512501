"""The base APIView of the Pryv family (accounts' administration endpoints and channels' data endpoints).

It answers every error in the Pryv format (``config.errors.pryv_exception_handler``), parses JSON only,
authenticates administration calls by session by default (activity views set
``authentication_classes = [PryvTokenAuthentication]``) and refuses a credential of another user than the
routed one (see ``accounts.api.authentication``).
"""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.authentication import PryvSessionAuthentication
from accounts.errors import InvalidCredentials, TooManyRequests
from accounts.models import User
from config.errors import ExceptionHandler, pryv_exception_handler
from config.parsers import JSONParser


def authenticated_user(request: Request) -> User:
    """The User an authentication class put on ``request``; raises INVALID_CREDENTIALS if there is none."""
    user = request.user
    if not isinstance(user, User):
        raise InvalidCredentials()
    return user


class PryvAPIView(APIView):
    """Pryv endpoints: session auth unless overridden, JSON bodies, errors as ``{"id", "message", "data"}``.

    A throttled call (``TooManyRequests``) also gets its ``Retry-After`` header, a 401 its ``WWW-Authenticate``.
    """

    authentication_classes = [PryvSessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def get_exception_handler(self) -> ExceptionHandler:
        return pryv_exception_handler

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, TooManyRequests):
            response["Retry-After"] = str(exc.retry_after)
        if response.status_code == 401 and "WWW-Authenticate" not in response:
            scheme = self.get_authenticate_header(self.request)
            if scheme:
                response["WWW-Authenticate"] = scheme
        return response
