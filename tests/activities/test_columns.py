"""Column decoding of the hand-written hot reads: the same values the ORM's fields give."""

import json
from datetime import UTC, datetime

import pytest

from activities.columns import json_column, moment_column


@pytest.mark.parametrize(
    "text",
    ['{"a": 1, "b": [true, null, "x"]}', '{"big": 123456789012345678901234}', "[18446744073709551616, -1.5]", "{}"],
)
def test_a_json_column_decodes_like_json_field(text):
    assert json_column(text) == json.loads(text)
    assert json_column(text.encode()) == json.loads(text)


def test_integers_past_64_bits_stay_integers():
    assert json_column('{"n": 123456789012345678901234}') == {"n": 123456789012345678901234}
    assert isinstance(json_column("[12345678901234567890123]")[0], int)


def test_an_already_decoded_value_passes_through():
    assert json_column({"a": 1}) == {"a": 1}


def test_a_moment_column_is_aware_utc_from_either_backend():
    aware = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

    assert moment_column(aware) is aware
    assert moment_column("2026-11-30 10:00:00.250000") == datetime(2026, 11, 30, 10, 0, 0, 250000, tzinfo=UTC)


def test_a_naive_moment_from_sqlites_converter_is_utc():
    naive = datetime(2026, 11, 30, 10, 0)  # noqa: DTZ001 - what sqlite3 gives

    assert moment_column(naive) == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
