"""The base view of the Pryv activity endpoints: token auth, the Pryv error format, the caller's Access."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.conf import settings
from django.core import validators
from django.core.exceptions import TooManyFieldsSent
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework.views import set_rollback

from accounts.api.authentication import PryvTokenAuthentication
from accounts.api.base import PryvAPIView
from accounts.models import AccessToken
from channels.errors import InvalidParametersFormat
from channels.permissions import Access
from config.errors import pryv_body
from config.parsers import RequestTooLarge


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


_PLAIN_NUMBER = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")
_PLAIN_INTEGER = re.compile(r"[0-9]{1,15}")
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9._-]+")
_FAST_FIELDS = (
    serializers.FloatField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
    serializers.CharField,
    serializers.ListField,
)


# Validators whose rule the fast path applies itself (bounds, lengths; plain text has no NUL nor surrogate).
_KNOWN_VALIDATORS = (
    validators.MinValueValidator,
    validators.MaxValueValidator,
    validators.MinLengthValidator,
    validators.MaxLengthValidator,
    validators.ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)


def _is_plain_field(field: Any) -> bool:
    if type(field) not in _FAST_FIELDS or not all(isinstance(v, _KNOWN_VALIDATORS) for v in field.validators):
        return False
    return type(field) is not serializers.ListField or _is_plain_field(field.child)


@functools.cache
def _is_plain(serializer_class: type[serializers.Serializer[Any]]) -> bool:
    """Whether every field is a simple one and no ``validate``/``validate_<field>`` hook is defined."""
    own_classes = serializer_class.__mro__[: serializer_class.__mro__.index(serializers.Serializer)]
    hooks = any(name.startswith("validate") for cls in own_classes for name in vars(cls))
    return not hooks and all(_is_plain_field(field) for field in serializer_class._declared_fields.values())


class _NotPlain(Exception):
    """A value the fast path does not take: the serializer validates the query instead."""


def _within(field: Any, value: float) -> float:
    if (field.min_value is not None and value < field.min_value) or (
        field.max_value is not None and value > field.max_value
    ):
        raise _NotPlain
    return value


def _plain_value(field: Any, value: Any) -> Any:
    """``value`` as ``field`` validates it, for the plain values whose outcome is certain; else _NotPlain."""
    kind = type(field)
    if not isinstance(value, str):
        if kind is serializers.ListField and isinstance(value, list):
            if (field.min_length is not None and len(value) < field.min_length) or (
                field.max_length is not None and len(value) > field.max_length
            ):
                raise _NotPlain
            return [_plain_value(field.child, item) for item in value]
        raise _NotPlain
    if kind is serializers.FloatField and _PLAIN_NUMBER.fullmatch(value):
        return _within(field, float(value))
    if kind is serializers.IntegerField and _PLAIN_INTEGER.fullmatch(value):
        return _within(field, int(value))
    if kind is serializers.BooleanField:
        if value.lower() in field.TRUE_VALUES:
            return True
        if value.lower() in field.FALSE_VALUES:
            return False
    if kind is serializers.ChoiceField and value in field.choice_strings_to_values:
        return field.choice_strings_to_values[value]
    if (
        kind is serializers.CharField
        and _PLAIN_TEXT.fullmatch(value)
        and (field.max_length is None or len(value) <= field.max_length)
        and (field.min_length is None or len(value) >= field.min_length)
    ):
        return value
    raise _NotPlain


def validated_query(serializer_class: type[serializers.Serializer[Any]], data: dict[str, Any]) -> dict[str, Any]:
    """The serializer's ``validated_data`` for ``data`` (a query string, see ``query_params``).

    Hot reads validate their query on every call, and a DRF serializer deep-copies its fields each time. Plain
    values (digits, ids, known choices and booleans) of a serializer made only of simple fields are checked
    here against the same declared fields, giving the same result; anything else, including every invalid
    value, goes through the serializer, so errors and their messages are its own.
    """
    declared = serializer_class._declared_fields
    plain = _is_plain(serializer_class)
    if plain:
        try:
            result: dict[str, Any] = {}
            for name, field in declared.items():
                if name in data:
                    result[name] = _plain_value(field, data[name])
                elif field.default is not serializers.empty:
                    result[name] = field.default() if callable(field.default) else field.default
                elif field.required:
                    raise _NotPlain
            return result
        except _NotPlain:
            pass
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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
