"""The base APIView of the OCS family (Nextcloud's ``/ocs/v1.php`` and ``/ocs/v2.php``).

Basic auth, XML or JSON by Nextcloud's negotiation, the OCS error formatter, the ``OCS-APIRequest`` check
after the login check (as upstream orders them), and the headers every Nextcloud API response carries.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from activities.api.authentication import OcsBasicAuthentication
from activities.api.errors import CsrfCheckFailed, UnsupportedFormat, ocs_exception_handler
from activities.api.ocs import ocs_envelope, ocs_wire_status
from activities.api.renderers import OcsContentNegotiation, OcsJsonRenderer, OcsXmlRenderer
from config.errors import ExceptionHandler

OCS_API_REQUEST = "true"


def ocs_user(request: Request) -> User:
    """The user Basic auth put on ``request`` (views of login-only endpoints run only when there is one)."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


class OcsAutoSchema(AutoSchema):
    """Operation ids from the whole path: the same views serve both prefixes, with and without a filter."""

    def get_operation_id(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", self.path).strip("_") + "_" + self.method.lower()


class OcsAPIView(APIView):
    """OCS endpoints: GET only, Basic auth, errors and replies in the OCS envelope of the URL's version."""

    authentication_classes = [OcsBasicAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [OcsXmlRenderer, OcsJsonRenderer]
    content_negotiation_class = OcsContentNegotiation
    parser_classes: list[Any] = []
    throttle_classes: list[Any] = []
    schema = OcsAutoSchema()
    http_method_names = ["get", "head"]

    def get_exception_handler(self) -> ExceptionHandler:
        return ocs_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.META.get("HTTP_OCS_APIREQUEST") != OCS_API_REQUEST:
            raise CsrfCheckFailed()
        format_param = request.query_params.get("format")
        if format_param is not None and format_param not in ("json", "xml"):
            raise UnsupportedFormat()

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-cache, no-store, must-revalidate"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @property
    def ocs_version(self) -> int:
        return int(self.kwargs.get("ocs_version", 2))

    def ocs_response(
        self, data: Any, status: int = 200, *, message: str = "", headers: dict[str, str] | None = None
    ) -> Response:
        """Wrap ``data`` in the envelope of this URL's OCS version, with its wire status (contract §4)."""
        version = self.ocs_version
        return Response(
            ocs_envelope(version, status, data, message), status=ocs_wire_status(version, status), headers=headers
        )
