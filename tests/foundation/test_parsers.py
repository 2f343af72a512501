import io

import pytest
from rest_framework.exceptions import ParseError

from config.parsers import JSONParser, RequestTooLarge, contains_nul, json_loads


def test_deep_nesting_is_refused_cheaply_as_a_parse_error():
    with pytest.raises(ParseError, match="depth"):
        json_loads(b"[" * 100_000)


def test_invalid_utf8_and_lone_surrogates_are_parse_errors():
    with pytest.raises(ParseError):
        json_loads(b'{"a": "\xff"}')
    with pytest.raises(ParseError):
        json_loads(b'"\\ud800"')


def test_nul_characters_are_refused_in_values_and_keys():
    with pytest.raises(ParseError, match="NUL"):
        json_loads(b'{"name": "a\\u0000b"}')
    with pytest.raises(ParseError, match="NUL"):
        json_loads(b'{"a\\u0000": 1}')
    assert contains_nul([{"x": ["ok", "no\x00"]}]) is True
    assert contains_nul({"k": [1, 2.5, None, True, "fine"]}) is False


def test_a_body_over_the_limit_is_413_without_reading_it_all(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    stream = io.BytesIO(b'{"a": "' + b"x" * 1000 + b'"}')

    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream)

    assert stream.tell() == 11


def test_valid_json_parses():
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, "\\u00e9"]}')) == {"a": [1, "é"]}
