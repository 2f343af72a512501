"""Input and output serializers of the Pryv activity API (channels, folders, events, attachments).

Inputs are strict (contract §1.2): JSON types are not coerced (``"12"`` is no number, ``1`` no boolean),
unknown properties are refused and the read-only ones are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.api.serializers import StrictInput, StringField
from accounts.validators import validate_no_control_characters
from channels.models import Event
from channels.selectors import EVENTS_MAX_LIMIT, EventRow, FolderItem

TYPE_PART = RegexValidator(r"^[a-z0-9-]+$", "Only lowercase letters, digits and dashes.")
EVENT_READ_ONLY = frozenset({"id", "attachments", "modified", "channelId"})
FOLDER_READ_ONLY = frozenset({"channelId", "children", "timeCount"})
JSON_MAX_DEPTH = 64


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false``, not ``"true"`` nor ``1``."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictFloatField(serializers.FloatField):
    """A JSON number, not a numeric string nor a boolean."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


def json_depth(data: Any) -> int:
    """How deeply arrays and objects nest in ``data`` (a scalar is 0), counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


class FreeJSONField(serializers.JSONField):
    """Free JSON (an event's ``value``) nesting at most ``JSON_MAX_DEPTH`` levels: deeper documents are
    refused here, as encoding them for the database would exhaust Python's recursion limit (a 500).
    """

    def to_internal_value(self, data: Any) -> Any:
        if json_depth(data) > JSON_MAX_DEPTH:
            raise serializers.ValidationError(f"Arrays and objects may nest at most {JSON_MAX_DEPTH} levels.")
        return super().to_internal_value(data)


class ObjectField(FreeJSONField):
    """A free JSON object (``clientData``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a JSON object.")
        return super().to_internal_value(data)


class ChannelCreateInput(StrictInput):
    ignored = frozenset({"trashed", "timeCount"})

    id = StringField(required=False, max_length=100, help_text="client-chosen id (identity, not reserved)")
    name = StringField(max_length=255, validators=[validate_no_control_characters])
    enforceNoEventsOverlap = StrictBooleanField(required=False, default=True)
    clientData = ObjectField(required=False, default=dict)


class ChannelUpdateInput(StrictInput):
    ignored = frozenset({"id", "timeCount"})

    name = StringField(required=False, max_length=255, validators=[validate_no_control_characters])
    enforceNoEventsOverlap = StrictBooleanField(required=False)
    clientData = ObjectField(required=False, help_text="merged: null removes a key")
    trashed = StrictBooleanField(required=False)


class ChannelOutput(serializers.Serializer[Any]):
    id = serializers.CharField(source="ident")
    name = serializers.CharField()
    enforceNoEventsOverlap = serializers.BooleanField(source="enforce_no_events_overlap")
    clientData = serializers.JSONField(source="client_data")
    trashed = serializers.BooleanField()


class ChannelStateQuery(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=["default", "trashed", "all"], required=False, default="default")


class CreatedOutput(serializers.Serializer[Any]):
    id = serializers.CharField()


class FolderCreateInput(StrictInput):
    ignored = FOLDER_READ_ONLY

    id = StringField(required=False, max_length=100)
    name = StringField(max_length=255, validators=[validate_no_control_characters])
    parentId = StringField(required=False, allow_null=True, max_length=100)
    hidden = StrictBooleanField(required=False, default=False)
    clientData = ObjectField(required=False, default=dict)
    trashed = StrictBooleanField(required=False, help_text="ignored on creation")


class FolderUpdateInput(StrictInput):
    ignored = FOLDER_READ_ONLY | {"id"}

    name = StringField(required=False, max_length=255, validators=[validate_no_control_characters])
    parentId = StringField(required=False, allow_null=True, max_length=100, help_text="moves the folder")
    hidden = StrictBooleanField(required=False)
    clientData = ObjectField(required=False, help_text="merged: null removes a key")
    trashed = StrictBooleanField(required=False)


class FolderMoveInput(StrictInput):
    parentId = StringField(allow_null=True, max_length=100)


class FolderTreeQuery(serializers.Serializer[Any]):
    includeHidden = serializers.BooleanField(required=False, default=False)
    state = serializers.ChoiceField(choices=["default", "trashed", "all"], required=False, default="default")
    timeCountBase = serializers.FloatField(required=False, min_value=0)
    parentId = serializers.CharField(required=False, max_length=100)


class FolderDeleteQuery(serializers.Serializer[Any]):
    mergeEventsWithParent = serializers.BooleanField(required=False, allow_null=True, default=None)


class FolderOutput(serializers.Serializer[Any]):
    """A folder with its listed children; ``timeCount`` only when ``timeCountBase`` was given."""

    id = serializers.CharField()
    channelId = serializers.CharField()
    name = serializers.CharField()
    parentId = serializers.CharField(allow_null=True)
    hidden = serializers.BooleanField()
    clientData = serializers.JSONField()
    trashed = serializers.BooleanField()
    children = serializers.ListField(child=serializers.JSONField(), help_text="folders, recursively")
    timeCount = serializers.FloatField(required=False, help_text="seconds, only with timeCountBase")

    def to_representation(self, instance: FolderItem) -> dict[str, Any]:
        return folder_body(instance, self.context["channel_id"])


def folder_body(item: FolderItem, channel_id: str) -> dict[str, Any]:
    """The output of one folder and its listed children (``FolderOutput``'s shape), built directly."""
    node = item.node
    body: dict[str, Any] = {
        "id": node.ident,
        "channelId": channel_id,
        "name": node.name,
        "parentId": item.parent_ident,
        "hidden": node.hidden,
        "clientData": node.client_data,
        "trashed": node.trashed,
        "children": [folder_body(child, channel_id) for child in item.children],
    }
    if item.time_count is not None:
        body["timeCount"] = item.time_count
    return body


class EventTypeInput(StrictInput):
    # "class" is a Python keyword: the field is declared below.
    format = StringField(max_length=100, validators=[TYPE_PART])


EventTypeInput._declared_fields["class"] = StringField(max_length=100, validators=[TYPE_PART])


class EventFieldsInput(StrictInput):
    """The writable fields of an event; ``comment`` is the seed-era name of ``description``."""

    ignored = EVENT_READ_ONLY

    time = StrictFloatField(required=False, min_value=0, max_value=1e12)
    duration = StrictFloatField(required=False, allow_null=True, min_value=0, max_value=1e12)
    folderId = StringField(required=False, allow_null=True, max_length=100)
    type = EventTypeInput(required=False)
    value = FreeJSONField(required=False, allow_null=True)
    tags = serializers.ListField(child=StringField(max_length=500, allow_blank=True), required=False, max_length=100)
    description = StringField(required=False, allow_blank=True, max_length=10_000, trim_whitespace=False)
    comment = StringField(required=False, allow_blank=True, max_length=10_000, trim_whitespace=False)
    clientData = ObjectField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "comment" in attrs:
            attrs.setdefault("description", attrs["comment"])
            del attrs["comment"]
        return attrs


class EventCreateInput(EventFieldsInput):
    ignored = EVENT_READ_ONLY | {"trashed"}

    def validate_duration(self, value: float | None) -> float | None:
        if value is None:
            raise serializers.ValidationError("Recorded events must be completed: use events/start to start one.")
        return value


class EventStartInput(EventFieldsInput):
    ignored = EVENT_READ_ONLY | {"trashed", "duration"}


class EventUpdateInput(EventFieldsInput):
    trashed = StrictBooleanField(required=False)


class EventStopInput(StrictInput):
    id = StringField(required=False, max_length=100)
    time = StrictFloatField(required=False, min_value=0, max_value=1e12)


class BatchItemInput(EventCreateInput):
    tempRefId = StringField(required=False, max_length=100)
    clientId = StringField(required=False, max_length=100, help_text="alias of tempRefId")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        ref = attrs.pop("tempRefId", None) or attrs.pop("clientId", None)
        attrs.pop("clientId", None)
        if not ref:
            raise serializers.ValidationError({"tempRefId": ["Each event needs a tempRefId (or clientId)."]})
        attrs["temp_ref_id"] = ref
        return attrs


class BatchInput(serializers.Serializer[Any]):
    events = serializers.ListField(child=BatchItemInput(), max_length=1000)

    def validate_events(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        refs = [item["temp_ref_id"] for item in items]
        if len(set(refs)) != len(refs):
            raise serializers.ValidationError("Each tempRefId must be unique in the request.")
        return items


class EventResultOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    stoppedId = serializers.CharField(required=False)


class StoppedOutput(serializers.Serializer[Any]):
    stoppedId = serializers.CharField(allow_null=True)


class EventQueryInput(serializers.Serializer[Any]):
    onlyFolders = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="repeat the key; 'null': no folder"
    )
    fromTime = serializers.FloatField(required=False, min_value=0)
    toTime = serializers.FloatField(required=False, min_value=0)
    state = serializers.ChoiceField(choices=["default", "trashed", "all"], required=False, default="default")
    sortAscending = serializers.BooleanField(required=False, default=False)
    skip = serializers.IntegerField(required=False, min_value=0, default=0, max_value=10**9)
    limit = serializers.IntegerField(required=False, min_value=0, max_value=EVENTS_MAX_LIMIT)
    modifiedSince = serializers.FloatField(required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=100)


class AttachmentOutput(serializers.Serializer[Any]):
    fileName = serializers.CharField()
    type = serializers.CharField()
    size = serializers.IntegerField()


class EventOutput(serializers.Serializer[Any]):
    """An event as read (contract §3.3): ``folderId``, ``tags``, ``trashed`` and ``modified`` always;
    ``duration`` only when set (``null``: running); ``attachments`` only when there are some.
    """

    id = serializers.CharField()
    channelId = serializers.CharField()
    time = serializers.FloatField()
    duration = serializers.FloatField(required=False, allow_null=True)
    type = serializers.DictField(child=serializers.CharField(), required=False)
    value = serializers.JSONField(required=False)
    folderId = serializers.CharField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(required=False)
    attachments = serializers.DictField(child=AttachmentOutput(), required=False)
    clientData = serializers.JSONField(required=False)
    trashed = serializers.BooleanField()
    modified = serializers.FloatField()

    def to_representation(self, instance: Event) -> dict[str, Any]:
        return event_body(EventRow.of(instance), self.context["channel_id"])


def event_body(row: EventRow, channel_id: str) -> dict[str, Any]:
    """The output of one event (``EventOutput``'s shape), built directly: the list reads call this per row."""
    body: dict[str, Any] = {"id": row.ident, "channelId": channel_id, "time": row.time}
    if row.is_period or row.duration is not None:
        body["duration"] = row.duration
    if row.type_class or row.type_format:
        body["type"] = {"class": row.type_class, "format": row.type_format}
    if row.value is not None:
        body["value"] = row.value
    body["folderId"] = row.folder_ident
    body["tags"] = row.tags
    if row.description:
        body["description"] = row.description
    if row.attachments:
        body["attachments"] = {
            a.key: {"fileName": a.file_name, "type": a.content_type, "size": a.size} for a in row.attachments
        }
    if row.client_data:
        body["clientData"] = row.client_data
    body["trashed"] = row.trashed
    body["modified"] = row.modified
    return body


def event_bodies(rows: Iterable[EventRow], channel_id: str) -> list[dict[str, Any]]:
    """A list of events as ``EventOutput(many=True)`` writes it, without the serializer machinery."""
    return [event_body(row, channel_id) for row in rows]
