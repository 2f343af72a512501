"""The Aggiefeed family's base view and request helpers: its credentials, error format and parsing."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from aggiefeed.api.authentication import ApiKeyAuthentication
from aggiefeed.errors import BadParameter, Forbidden, InvalidActivity
from aggiefeed.models import ApiKey
from config.errors import ExceptionHandler, aggiefeed_exception_handler, flatten_validation_errors
from config.parsers import JSONParser
from config.query_validation import validated_query


class HasCredentials(BasePermission):
    """Some authentication class recognised the caller (which one a call needs, the view says: 403 if wrong)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.successful_authenticator is not None


class AggiefeedApi(APIView):
    """Base of every Aggiefeed view: ApiKey first (so a missing key is a 401), JSON only, contract §1 errors."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasCredentials]
    parser_classes = [JSONParser]

    def get_exception_handler(self) -> ExceptionHandler:
        return aggiefeed_exception_handler


def request_api_key(request: Request) -> ApiKey:
    """The source key the call came with; Forbidden when the caller used a session instead."""
    if isinstance(request.auth, ApiKey):
        return request.auth
    raise Forbidden("This call takes a source's API key (Authorization: ApiKey <key>).")


def request_moderator(request: Request) -> User:
    """The person (admin session) making a moderation call; Forbidden for a key: approval is a person's act."""
    if isinstance(request.user, User):
        return request.user
    raise Forbidden("Moderation is a person's act: sign in to the administration; an API key cannot moderate.")


def _details(exc: serializers.ValidationError, prefix: str = "") -> list[dict[str, str]]:
    return [
        {"field": f"{prefix}{item['param']}" if item["param"] else prefix.rstrip("."), "problem": item["message"]}
        for item in flatten_validation_errors(exc.detail)
    ]


def query_of(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The validated query parameters; BadParameter (400 ``bad_parameter``) naming each bad one."""
    params = request.query_params
    declared = serializer_class._declared_fields
    try:
        if all(name in declared for name in params):
            # Each a declared field (no ``t[0]`` form): plain values skip building the serializer.
            data = {
                name: params.getlist(name) if isinstance(declared[name], serializers.ListField) else params[name]
                for name in params
            }
            return validated_query(serializer_class, data)
        serializer = serializer_class(data=params)
        serializer.is_valid(raise_exception=True)
    except serializers.ValidationError as exc:
        raise BadParameter("A query parameter is missing or invalid.", details=_details(exc)) from exc
    return dict(serializer.validated_data)


def body_of(
    serializer_class: type[serializers.Serializer[Any]],
    request: Request,
    *,
    field: str = "activity",
    shape: str = '{"activity": {...}}',
    message: str = InvalidActivity.default_message,
) -> dict[str, Any]:
    """The validated JSON object body; InvalidActivity (400 ``validation_error``) naming every bad field.

    A body that is not a JSON object (an array, a string, ``null``…) is refused as a whole: ``field`` and
    ``shape`` say what the call takes instead, ``message`` is the error's message.
    """
    if not isinstance(request.data, dict):
        raise InvalidActivity(message, details=[{"field": field, "problem": f"The body must be {shape}."}])
    serializer = serializer_class(data=request.data)
    try:
        serializer.is_valid(raise_exception=True)
    except serializers.ValidationError as exc:
        raise InvalidActivity(message, details=_details(exc)) from exc
    return dict(serializer.validated_data)
