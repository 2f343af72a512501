"""The JSON parser of every API family: strict, fast, and refusing what the database could not store.

orjson refuses invalid UTF-8, lone surrogates and nesting deeper than 1024 levels with a ValueError, so
such bodies end as a 400 of the family's format instead of a RecursionError or a database error (500).
NUL characters, which PostgreSQL text cannot hold, are refused too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

import orjson
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class RequestTooLarge(APIException):
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: each family's formatter maps the 413 to its own error id."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def contains_nul(value: Any) -> bool:
    """Whether a parsed JSON document holds a NUL character in any string or key (iterative: no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_loads(raw: bytes | str) -> Any:
    """Parse a JSON document or raise ParseError with a message a client can act on."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"The body is not valid JSON: {exc}") from exc
    if contains_nul(data):
        raise ParseError("The body is not valid: NUL characters are not allowed in strings.")
    return data


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[Any] | None, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        if stream is None:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        raw = stream.read(limit + 1) if limit else stream.read()
        if limit and len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        return json_loads(raw)
