"""Query strings of the hot reads validated without building a DRF serializer on every request.

A DRF serializer deep-copies its declared fields on each instantiation: on a list endpoint that is a tenth of
the request. ``validated_query`` checks the plain values (digits, ids, known choices, booleans) of simple
fields against the very fields the serializer declares and returns what the serializer would; any other value,
every invalid one included, goes through the serializer, so errors and their messages stay the serializer's.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.core import validators
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

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
def _plain_fields(serializer_class: type[serializers.Serializer[Any]]) -> frozenset[str] | None:
    """The names of the simple fields, or None when a ``validate``/``validate_<field>`` hook is defined."""
    own_classes = serializer_class.__mro__[: serializer_class.__mro__.index(serializers.Serializer)]
    if any(name.startswith("validate") for cls in own_classes for name in vars(cls)):
        return None
    return frozenset(name for name, field in serializer_class._declared_fields.items() if _is_plain_field(field))


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
    plain = _plain_fields(serializer_class)
    # Fields that are not simple (a custom date field, say) may still be declared: the query must not use them.
    if plain is not None and all(name in plain for name in data if name in declared):
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
