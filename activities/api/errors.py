"""The error formatter of the OCS family: every error as an OCS envelope, v1 or v2, in XML or JSON.

Three upstream paths are reproduced (contract §2, §4, §7):

* wrong Basic credentials fail in Nextcloud's login step (``ocs/v1.php``): HTTP 401, ``WWW-Authenticate``,
  statuscode 997 "Unauthorised", always XML with ``text/xml; charset=UTF-8``;
* no credentials on a login-only method: OCS statuscode 997 "Current user is not logged in", HTTP 401, in the
  requested format;
* a missing ``OCS-APIRequest`` header: HTTP 412 with plain JSON ``{"message":"CSRF check failed"}``.

A DomainError is reported with its status as the controller status and empty data (upstream's activity
controller answers ``[]`` with 403/404 and no message); other DRF errors keep their HTTP status and carry
their detail as the message. Anything else returns None, so a real bug is a logged 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from activities.api.authentication import OcsLoginFailed
from activities.api.ocs import OCS_STATUS_UNAUTHORISED, ocs_envelope, ocs_meta, ocs_wire_status
from activities.api.renderers import OcsJsonRenderer, OcsXmlRenderer
from config.errors import DomainError

NOT_LOGGED_IN = "Current user is not logged in"


class CsrfCheckFailed(exceptions.APIException):
    """An OCS call without ``OCS-APIRequest: true`` (Nextcloud's CSRF check for API clients)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "CSRF check failed"
    default_code = "csrf_check_failed"


class UnsupportedFormat(exceptions.APIException):
    """``format`` is neither ``json`` nor ``xml`` (upstream has no responder for it and fails with a 500)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Unsupported format"
    default_code = "unsupported_format"


def ocs_version(context: dict[str, Any]) -> int:
    return int(context.get("kwargs", {}).get("ocs_version", 2))


def _force_renderer(context: dict[str, Any], renderer: OcsJsonRenderer | OcsXmlRenderer) -> None:
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = renderer
        request.accepted_media_type = renderer.media_type


def _www_authenticate(response: Response, exc: exceptions.APIException) -> None:
    # DRF's APIView puts the authenticator's header on the exception before calling the handler.
    header = getattr(exc, "auth_header", None)
    if header:
        response["WWW-Authenticate"] = str(header)


def ocs_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    version = ocs_version(context)
    if isinstance(exc, DomainError):
        set_rollback()
        if exc.http_status == status.HTTP_429_TOO_MANY_REQUESTS:
            # Throttling is an HTTP-level answer on both versions (a v1 client must see it too).
            throttled = Response(
                {"ocs": {"meta": ocs_meta(version, exc.http_status, exc.message), "data": []}}, status=exc.http_status
            )
            throttled["Retry-After"] = str(exc.data.get("retryAfter", ""))
            return throttled
        body = ocs_envelope(version, exc.http_status, [])
        return Response(body, status=ocs_wire_status(version, exc.http_status))
    if isinstance(exc, OcsLoginFailed):
        _force_renderer(context, OcsXmlRenderer())
        response = Response(
            {"ocs": {"meta": ocs_meta(1, OCS_STATUS_UNAUTHORISED, "Unauthorised"), "data": []}},
            status=status.HTTP_401_UNAUTHORIZED,
            content_type="text/xml; charset=UTF-8",
        )
        _www_authenticate(response, exc)
        return response
    if isinstance(exc, exceptions.NotAuthenticated):
        response = Response(
            ocs_envelope(version, OCS_STATUS_UNAUTHORISED, [], NOT_LOGGED_IN), status=status.HTTP_401_UNAUTHORIZED
        )
        _www_authenticate(response, exc)
        return response
    if isinstance(exc, CsrfCheckFailed):
        _force_renderer(context, OcsJsonRenderer())
        return Response({"message": "CSRF check failed"}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    drf_response = drf_exception_handler(exc, context)
    if drf_response is None or not isinstance(exc, exceptions.APIException):
        return None
    message = exc.detail if isinstance(exc.detail, str) else exc.default_detail
    drf_response.data = {"ocs": {"meta": ocs_meta(version, drf_response.status_code, str(message)), "data": []}}
    return drf_response
