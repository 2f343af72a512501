"""Wire shapes of the Aggiefeed API (contract §2): every field checked as the seed says, errors naming it.

Input serializers keep the keys they do not know (``object.location``, ``actor.image``…, stored and
returned unchanged, contract §2) and give dates back in the one form the API emits (``.SSSZ``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aggiefeed.dates import format_zulu, parse_zulu
from aggiefeed.models import AUDIENCES, SYSTEM_LABELS, Post

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
OBJECT_TYPES = ("notification", "event")


class StrictString(serializers.CharField):
    """A JSON string and nothing else (DRF would turn ``12`` into ``"12"``; C-DSS was refused for that)."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATETIME)
class ZuluDate(serializers.Field):  # type: ignore[type-arg]
    """An ISO-8601 date in Zulu time (``2013-07-01T17:00:00.000Z``), given back as ``.SSSZ``."""

    default_error_messages = {"invalid": "Must be an ISO-8601 date in Zulu time, e.g. 2013-07-01T17:00:00.000Z."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return format_zulu(parse_zulu(data))
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class StringSet(serializers.ListField):
    """A JSON array of unique non-empty strings; with ``ignore_case``, unique once lower-cased (kNames)."""

    def __init__(self, *, ignore_case: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("child", StrictString(max_length=150))
        self.ignore_case = ignore_case
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str | Mapping) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        values: list[str] = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError("Must not repeat a value.")
        if self.ignore_case and len({value.lower() for value in values}) != len(values):
            raise serializers.ValidationError("Must not repeat a kName (they match case-insensitively).")
        return values


class KeepUnknownKeys(serializers.Serializer):  # type: ignore[type-arg]
    """Validates the declared fields and keeps every other key of the object as it came."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        validated: dict[str, Any] = super().to_internal_value(data)
        extra = {key: value for key, value in data.items() if key not in self.fields}
        return {**extra, **validated}


class AggiefeedAuthorInput(KeepUnknownKeys):
    id = StrictString(max_length=150, help_text="the author's kName")
    displayName = StrictString(max_length=255)


class AggiefeedImageInput(KeepUnknownKeys):
    color = StrictString(max_length=7)

    def validate_color(self, value: str) -> str:
        if not _COLOR.match(value):
            raise serializers.ValidationError("Must be # followed by 6 hex digits.")
        return value


class AggiefeedActorInput(KeepUnknownKeys):
    id = StrictString(max_length=64, help_text="the source id handed out with the API key")
    objectType = serializers.ChoiceField(choices=["person", "department"])
    displayName = StrictString(max_length=255)
    author = AggiefeedAuthorInput()
    image = AggiefeedImageInput(required=False)


class AggiefeedGeneratorInput(KeepUnknownKeys):
    id = StrictString(max_length=255)


class AggiefeedModelInput(KeepUnknownKeys):
    url = StrictString(max_length=2000, required=False, allow_blank=True)
    urlDisplayName = StrictString(max_length=255, required=False, allow_blank=True)
    eventDate = ZuluDate(required=False)


class AggiefeedObjectInput(KeepUnknownKeys):
    id = StrictString(max_length=255, required=False, help_text="derived from actor.id + ucdSrcId when absent")
    ucdSrcId = StrictString(max_length=255)
    objectType = serializers.ChoiceField(choices=OBJECT_TYPES)
    content = StrictString(max_length=100_000, trim_whitespace=False)
    ucdEdusModel = AggiefeedModelInput()

    def validate_id(self, value: str) -> str:
        if "/" in value or value == "public":
            raise serializers.ValidationError("Must not contain '/' nor be 'public'.")
        return value


_NAMES = {"type": "array", "items": {"type": "string"}}
_RECIPIENTS_SCHEMA = {
    "oneOf": [
        {"type": "object", "properties": {"groups": _NAMES, "users": _NAMES}},
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "g": {"type": "boolean"}, "i": {"type": "boolean"}},
                "required": ["id"],
            },
        },
    ]
}


@extend_schema_field(_RECIPIENTS_SCHEMA)
class RecipientsField(serializers.Field):  # type: ignore[type-arg]
    """``to``: ``{"groups": [...], "users": [...]}``, or the legacy list of ``{"id", "g", "i"}`` (contract §10).

    A legacy entry whose id is an audience name, or that has ``g: true``, is a group; any other is a user.
    Either way the result is the object form, with at least one addressee.
    """

    default_error_messages = {
        "invalid": "Must be an object with groups and/or users, or a list of {{id, g, i}} entries.",
        "empty": "Must address at least one group or user.",
    }

    def to_internal_value(self, data: Any) -> dict[str, list[str]]:
        if isinstance(data, list):
            data = self._from_legacy(data)
        if not isinstance(data, dict) or not ({"groups", "users"} & data.keys()):
            self.fail("invalid")
        errors: dict[str, Any] = {}
        result: dict[str, list[str]] = {"groups": [], "users": []}
        for key in ("groups", "users"):
            if key not in data:
                continue
            field = StringSet(max_length=5000, ignore_case=key == "users")
            try:
                result[key] = field.run_validation(data[key])
            except serializers.ValidationError as exc:
                errors[key] = exc.detail
        if not errors:
            unknown = [group for group in result["groups"] if group not in AUDIENCES]
            if unknown:
                errors["groups"] = [f"Unknown group {unknown[0]!r}: use one of {', '.join(AUDIENCES)}."]
        if errors:
            raise serializers.ValidationError(errors)
        if not result["groups"] and not result["users"]:
            self.fail("empty")
        return result

    def _from_legacy(self, entries: list[Any]) -> dict[str, list[str]]:
        groups: list[str] = []
        users: list[str] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
                raise serializers.ValidationError({str(index): ["Must be an object with a non-empty string id."]})
            flag = entry.get("g", False)
            if not isinstance(flag, bool):
                raise serializers.ValidationError({f"{index}.g": ["Must be a boolean."]})
            target = groups if flag or entry["id"] in AUDIENCES else users
            if entry["id"] not in target:
                target.append(entry["id"])
        return {"groups": groups, "users": users}

    def to_representation(self, value: Any) -> Any:
        return value


class AggiefeedToOutput(serializers.Serializer):  # type: ignore[type-arg]
    groups = serializers.ListField(child=serializers.ChoiceField(choices=AUDIENCES))
    users = serializers.ListField(child=serializers.CharField())


class AggiefeedMetaInput(KeepUnknownKeys):
    labels = StringSet(max_length=100, child=StrictString(max_length=100))
    startDate = ZuluDate(required=False)
    endDate = ZuluDate(required=False)
    authzId = StrictString(max_length=150, help_text="same as actor.author.id")

    def validate_labels(self, value: list[str]) -> list[str]:
        unknown = [label for label in value if label.startswith("~") and label not in SYSTEM_LABELS]
        if unknown:
            raise serializers.ValidationError(f"Unknown system label {unknown[0]!r}.")
        if not any(label in SYSTEM_LABELS for label in value):
            raise serializers.ValidationError(f"Must include at least one of {', '.join(SYSTEM_LABELS)}.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("startDate"), attrs.get("endDate")
        if start and end and end < start:  # the one date form sorts as text
            raise serializers.ValidationError({"endDate": ["Must not be earlier than startDate."]})
        return attrs


@extend_schema_field(OpenApiTypes.NUMBER)
class Priority(serializers.Field):  # type: ignore[type-arg]
    default_error_messages = {"invalid": "Must be a number."}

    def to_internal_value(self, data: Any) -> float | int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class AggiefeedActivityInput(KeepUnknownKeys):
    """One activity as POST and PUT take it (contract §2)."""

    icon = StrictString(max_length=100)
    actor = AggiefeedActorInput()
    verb = serializers.ChoiceField(choices=["post"])
    title = StrictString(max_length=1000)
    generator = AggiefeedGeneratorInput(required=False)
    object = AggiefeedObjectInput()
    to = RecipientsField(help_text="{groups, users}; the legacy list of {id, g, i} is accepted too")
    published = ZuluDate(required=False)
    ucdEdusMeta = AggiefeedMetaInput()
    priority = Priority(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["ucdEdusMeta"]["authzId"] != attrs["actor"]["author"]["id"]:
            raise serializers.ValidationError({"ucdEdusMeta": {"authzId": ["Must equal actor.author.id."]}})
        return attrs


class AggiefeedActivityEnvelopeInput(serializers.Serializer):  # type: ignore[type-arg]
    """The request body of POST and PUT: ``{"activity": {...}}``."""

    activity = AggiefeedActivityInput()


class AggiefeedAuthorOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField()
    displayName = serializers.CharField()


class AggiefeedActorOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField()
    objectType = serializers.CharField()
    displayName = serializers.CharField()
    author = AggiefeedAuthorOutput()


class AggiefeedModelOutput(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.CharField(required=False)
    urlDisplayName = serializers.CharField(required=False)
    eventDate = serializers.CharField(required=False)


class AggiefeedObjectOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField()
    ucdSrcId = serializers.CharField()
    objectType = serializers.CharField()
    content = serializers.CharField()
    ucdEdusModel = AggiefeedModelOutput()


class AggiefeedMetaOutput(serializers.Serializer):  # type: ignore[type-arg]
    labels = serializers.ListField(child=serializers.CharField())
    startDate = serializers.CharField(required=False)
    endDate = serializers.CharField(required=False)
    authzId = serializers.CharField()


class AggiefeedActivityOutput(serializers.Serializer):  # type: ignore[type-arg]
    """A stored activity: the document as sent, with ``object.id``, ``published``, ``priority`` and ``to`` set.

    The post keeps its document in this very shape, so it is returned as stored.
    """

    icon = serializers.CharField()
    actor = AggiefeedActorOutput()
    verb = serializers.CharField()
    title = serializers.CharField()
    object = AggiefeedObjectOutput()
    to = AggiefeedToOutput()
    published = serializers.CharField()
    ucdEdusMeta = AggiefeedMetaOutput()
    priority = serializers.FloatField()

    def to_representation(self, instance: Post) -> dict[str, Any]:
        return dict(instance.document)


class AggiefeedActivityEnvelopeOutput(serializers.Serializer):  # type: ignore[type-arg]
    activity = AggiefeedActivityOutput()


class AggiefeedActivityCreatedOutput(AggiefeedActivityEnvelopeOutput):
    status = serializers.ChoiceField(choices=Post.Status.choices)


class AggiefeedModerationOutput(AggiefeedActivityCreatedOutput):
    approvals = serializers.IntegerField(help_text="distinct approvers so far (0 once live again after unpublish)")


class AggiefeedRejectInput(serializers.Serializer):  # type: ignore[type-arg]
    reason = StrictString(max_length=2000, required=False, allow_blank=True, default="")


class AggiefeedRejectOutput(serializers.Serializer):  # type: ignore[type-arg]
    objectId = serializers.CharField()
    status = serializers.CharField(help_text="always 'rejected'")
    reason = serializers.CharField()


class AggiefeedWhereQuery(serializers.Serializer):  # type: ignore[type-arg]
    """``?status=a|l&userId=`` of PUT and DELETE: which queue the activity is in, and (deprecated) its author."""

    status = serializers.ChoiceField(choices=["a", "l"])
    userId = StrictString(max_length=150, required=False)


class AggiefeedPublicQuery(serializers.Serializer):  # type: ignore[type-arg]
    """Paging and filters of the lists (contract §5, §6)."""

    s = serializers.IntegerField(min_value=0, max_value=4000, help_text="skip")
    l = serializers.IntegerField(min_value=0, max_value=200, help_text="limit")  # noqa: E741
    t = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    m = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    o = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    sd = ZuluDate(required=False)
    ed = ZuluDate(required=False)
    q = serializers.CharField(max_length=200, required=False)
    after = serializers.CharField(max_length=600, required=False, help_text="keyset cursor of the Link next")


class AggiefeedListQuery(AggiefeedPublicQuery):
    u = serializers.CharField(max_length=150, required=False)
    status = serializers.ChoiceField(choices=["a", "l"], required=False, default="l")


class AggiefeedErrorDetailOutput(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.CharField()
    problem = serializers.CharField()


class AggiefeedErrorBodyOutput(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    details = AggiefeedErrorDetailOutput(many=True)


class AggiefeedErrorOutput(serializers.Serializer):  # type: ignore[type-arg]
    """Every error of the family (contract §1)."""

    error = AggiefeedErrorBodyOutput()
