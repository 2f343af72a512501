"""The hot reads' query validation: the fast path gives exactly what the serializer gives, or defers to it."""

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from channels.api.serializers import EventQueryInput, FolderDeleteQuery, FolderTreeQuery
from config.query_validation import _plain_fields, validated_query

EVENT_QUERIES = [
    {},
    {"fromTime": "1795429820.8205018", "toTime": "1796034620", "onlyFolders": ["bench-f-1-0"]},
    {"fromTime": "007.50", "state": "all", "sortAscending": "True", "skip": "3", "limit": "1000"},
    {"sortAscending": "off", "limit": "0", "modifiedSince": "12", "tags": ["a", "b.c", "d_e-f"]},
    {"onlyFolders": ["null", "x" * 100], "state": "trashed", "userName": "ann", "auth": "anything"},
    {"fromTime": "1e5", "toTime": " 12 ", "skip": "5.0", "onlyFolders": [" padded "]},
    {"modifiedSince": "-3.5", "sortAscending": "YES"},
    {"fromTime": "-1"},
    {"fromTime": "nan"},
    {"toTime": "soon", "limit": "1001"},
    {"limit": "-1"},
    {"skip": "1000000001"},
    {"state": "sideways"},
    {"sortAscending": "maybe"},
    {"onlyFolders": ["x" * 101]},
    {"onlyFolders": [""]},
    {"onlyFolders": ["a\x00b"]},
    {"tags": [str(n) for n in range(101)]},
    {"tags": ["t" * 500, "é"]},
]
TREE_QUERIES = [
    {},
    {"timeCountBase": "1793442620.8205018"},
    {"includeHidden": "true", "state": "all", "timeCountBase": "0", "parentId": "f-1.x_y"},
    {"includeHidden": "1", "parentId": "x" * 100},
    {"includeHidden": "nope"},
    {"timeCountBase": "-1"},
    {"timeCountBase": "soon", "state": "sideways"},
    {"parentId": "x" * 101},
    {"parentId": "with space"},
]


def _by_serializer(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        return ("error", serializer.errors)
    return ("ok", dict(serializer.validated_data))


def _by_fast_path(serializer_class, data):
    try:
        return ("ok", validated_query(serializer_class, data))
    except ValidationError as exc:
        return ("error", exc.detail)


@pytest.mark.parametrize("data", EVENT_QUERIES)
def test_events_query_validation_is_the_serializers(data):
    assert _by_fast_path(EventQueryInput, data) == _by_serializer(EventQueryInput, data)


@pytest.mark.parametrize("data", TREE_QUERIES)
def test_folder_tree_query_validation_is_the_serializers(data):
    assert _by_fast_path(FolderTreeQuery, data) == _by_serializer(FolderTreeQuery, data)


def test_values_are_typed_as_the_serializer_types_them():
    query = validated_query(EventQueryInput, {"fromTime": "10", "skip": "2", "sortAscending": "1"})

    assert query == {"fromTime": 10.0, "state": "default", "sortAscending": True, "skip": 2}
    assert type(query["fromTime"]) is float
    assert type(query["skip"]) is int


@pytest.mark.parametrize("value", [None, "true", "False", "null", "", "2"])
def test_a_nullable_boolean_defers_what_it_does_not_know(value):
    data = {} if value is None else {"mergeEventsWithParent": value}

    assert _by_fast_path(FolderDeleteQuery, data) == _by_serializer(FolderDeleteQuery, data)


class HookedQuery(serializers.Serializer):
    limit = serializers.IntegerField(required=False)

    def validate_limit(self, value):
        return value * 2


class DatedQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False)


def test_the_fast_path_is_for_simple_serializers_only():
    assert _plain_fields(EventQueryInput) == frozenset(EventQueryInput._declared_fields)
    assert _plain_fields(FolderTreeQuery) == frozenset(FolderTreeQuery._declared_fields)
    assert _plain_fields(HookedQuery) is None
    assert _plain_fields(DatedQuery) == frozenset()
    assert validated_query(HookedQuery, {"limit": "2"}) == {"limit": 4}
