"""The list's query validation: the fast path answers exactly what AggiefeedListQuery answers."""

import pytest
from rest_framework.exceptions import ValidationError

from aggiefeed.api.serializers import AggiefeedListQuery
from config.query_validation import validated_query

QUERIES = [
    {"s": "0", "l": "25"},
    {"s": "4000", "l": "200", "status": "a", "u": "ann"},
    {"s": "0", "l": "0", "status": "l", "t": ["notification", "event"], "o": ["dept_1"]},
    {"s": "4001", "l": "25"},
    {"s": "0", "l": "201"},
    {"s": "-1", "l": "25"},
    {"s": " 3", "l": "25"},
    {"s": "1.0", "l": "25"},
    {"l": "25"},
    {"s": "0"},
    {"s": "0", "l": "25", "status": "x"},
    {"s": "0", "l": "25", "u": "u" * 151},
    {"s": "0", "l": "25", "q": "caf\u00e9"},
    {"s": "0", "l": "25", "sd": "2026-11-30T10:00:00Z"},
    {"s": "0", "l": "25", "sd": "yesterday"},
    {"s": "0", "l": "25", "m": ["a\x00b"]},
]


def _answer(validate, data):
    try:
        return "valid", validate(data)
    except ValidationError as exc:
        return "invalid", exc.detail


def _serializer(data):
    serializer = AggiefeedListQuery(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@pytest.mark.parametrize("data", QUERIES)
def test_the_fast_path_gives_the_serializers_answer(data):
    fast = _answer(lambda d: validated_query(AggiefeedListQuery, d), data)

    assert fast == _answer(_serializer, data)
