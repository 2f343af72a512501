"""The base view of the Pryv activity endpoints: token auth, the Pryv error format, the caller's Access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from accounts.api.authentication import PryvTokenAuthentication
from accounts.api.base import PryvAPIView
from accounts.models import AccessToken
from channels.errors import InvalidParametersFormat
from channels.permissions import Access
from config.errors import pryv_body
from config.parsers import RequestTooLarge
from config.query_validation import validated_query

__all__ = ["query_params", "token_access", "validated_query"]


def token_access(request: Request) -> Access:
    """The Access of the data token that authenticated ``request`` (its permission rows came with it)."""
    token = request.auth
    if not isinstance(token, AccessToken):
        raise TypeError("the view is not token-authenticated")
    return Access.for_token(token)


def query_params(request: Request, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """The query string as a dict: ``lists`` keys gather ``key=a&key=b`` and ``key[]=a&key[]=b``."""
    data: dict[str, Any] = {}
    for key in request.query_params:
        name = key[:-2] if key.endswith("[]") else key
        if name in lists:
            data.setdefault(name, []).extend(request.query_params.getlist(key))
        else:
            data[name] = request.query_params.get(key)
    return data


class ChannelsBaseAPIView(PryvAPIView):
    """Every channels endpoint: more query parameters than Django parses (``DATA_UPLOAD_MAX_NUMBER_FIELDS``)
    are ``400 INVALID_REQUEST_STRUCTURE`` in the Pryv format, not Django's HTML page.
    """

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, TooManyFieldsSent):
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            exc = ParseError(f"The request has more than {limit} query parameters.")
        return super().handle_exception(exc)


class ChannelsAPIView(ChannelsBaseAPIView):
    """Activity endpoints: a data access token (a session id is ``401 INVALID_TOKEN``), Pryv errors."""

    authentication_classes = [PryvTokenAuthentication]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, InvalidParametersFormat):
            set_rollback()
            body = pryv_body(exc.error_id, exc.message, [{"param": exc.param, "message": exc.message}])
            return Response(body, status=exc.http_status)
        return super().handle_exception(exc)


class UploadAPIView(ChannelsAPIView):
    """A view taking multipart uploads: a body beyond the attachment limit is refused before it is read."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestTooLarge(f"The request body is larger than {settings.ATTACHMENT_MAX_BYTES} bytes.")
