"""Cross-cutting error machinery: the DomainError base and one formatter per API family.

Every app raises DomainError subclasses from its services and selectors; each family's base view picks
its formatter through ``get_exception_handler()``. A formatter (1) turns a DomainError into its family's
body and status after marking the transaction for rollback, (2) lets DRF's own handler deal with its
exceptions (keeping ``WWW-Authenticate`` and ``Retry-After``), (3) reshapes the body into the family's
envelope, and (4) returns None for anything else, so a real bug is a logged 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from config.parsers import RequestTooLarge

ExceptionHandler = Callable[[Exception, dict[str, Any]], Response | None]


class DomainError(Exception):
    """A rule of the domain was broken: a stable ``error_id``, an HTTP status, a message and data."""

    error_id: ClassVar[str] = "INVALID_OPERATION"
    http_status: ClassVar[int] = status.HTTP_400_BAD_REQUEST
    default_message: ClassVar[str] = "The operation is not allowed."

    def __init__(self, message: str | None = None, **data: Any) -> None:
        self.message = message or self.default_message
        self.data = data
        super().__init__(self.message)


def _to_drf(exc: Exception) -> Exception:
    # Django's own request limits (DATA_UPLOAD_MAX_*) surface while a view reads the request: keep them in the
    # family's format instead of Django's HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(f"The request is not valid: {exc}")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=exc.messages)
    return exc


def flatten_validation_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested ValidationError detail into a flat list of ``{"param", "message"}``."""
    items: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" else ""
            items.extend(flatten_validation_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name))
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            items.extend({"param": prefix, "message": str(v)} for v in detail)
        else:
            for index, value in enumerate(detail):
                items.extend(flatten_validation_errors(value, f"{prefix}[{index}]"))
    else:
        items.append({"param": prefix, "message": str(detail)})
    return items


def _handle(exc: Exception, context: dict[str, Any]) -> tuple[Exception, Response | None]:
    exc = _to_drf(exc)
    return exc, drf_exception_handler(exc, context)


# Pryv (accounts, channels): {"id", "message", "data"}

PRYV_IDS_BY_STATUS = {
    400: "INVALID_PARAMETERS_FORMAT",
    401: "INVALID_CREDENTIALS",
    403: "FORBIDDEN",
    404: "UNKNOWN_RESOURCE",
    405: "INVALID_OPERATION",
    406: "INVALID_REQUEST_STRUCTURE",
    413: "REQUEST_TOO_LARGE",
    415: "INVALID_REQUEST_STRUCTURE",
    429: "TOO_MANY_REQUESTS",
}


def pryv_body(error_id: str, message: str, data: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": error_id, "message": message}
    if data not in (None, {}, []):
        body["data"] = data
    return body


def pryv_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(pryv_body(exc.error_id, exc.message, exc.data), status=exc.http_status)
    exc, response = _handle(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        response.data = pryv_body("INVALID_REQUEST_STRUCTURE", str(exc.detail))
    elif isinstance(exc, exceptions.ValidationError):
        response.data = pryv_body(
            "INVALID_PARAMETERS_FORMAT", "The parameters' format is invalid.", flatten_validation_errors(exc.detail)
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        error_id = PRYV_IDS_BY_STATUS.get(response.status_code, "UNEXPECTED_ERROR")
        response.data = pryv_body(error_id, str(detail))
    return response


# Aggiefeed: {"error": {"status", "code", "message", "details"}}

AGGIEFEED_CODES_BY_STATUS = {
    400: "bad_parameter",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "duplicate",
    413: "too_large",
    415: "invalid_json",
    429: "too_many_requests",
}


def aggiefeed_body(
    status_code: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"error": {"status": status_code, "code": code, "message": message, "details": details or []}}


def aggiefeed_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        details = exc.data.get("details")
        return Response(
            aggiefeed_body(exc.http_status, exc.error_id, exc.message, details if isinstance(details, list) else None),
            status=exc.http_status,
        )
    exc, response = _handle(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        response.data = aggiefeed_body(400, "invalid_json", str(exc.detail))
    elif isinstance(exc, exceptions.ValidationError):
        details = [
            {"field": item["param"], "problem": item["message"]} for item in flatten_validation_errors(exc.detail)
        ]
        response.data = aggiefeed_body(400, "validation_error", "The activity is invalid.", details)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        code = AGGIEFEED_CODES_BY_STATUS.get(response.status_code, "error")
        response.data = aggiefeed_body(response.status_code, code, str(detail))
    return response


# WOPI: status codes and X-WOPI-* headers, empty bodies


def wopi_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        domain_response = Response(status=exc.http_status)
        for header, value in exc.data.get("headers", {}).items():
            domain_response[header] = value
        domain_response["X-WOPI-ServerError"] = exc.message
        return domain_response
    exc, response = _handle(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response["X-WOPI-ServerError"] = str(exc.detail)[:200]
    response.data = None
    return response


# Default (docs, health)


def default_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"id": exc.error_id, "message": exc.message, **exc.data}, status=exc.http_status)
    return drf_exception_handler(_to_drf(exc), context)
