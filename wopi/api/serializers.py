"""Shapes of the WOPI bodies: activities in and out, CheckFileInfo, and the editing answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

SKIP_TOKEN_MAX_CHARS = 2000


class StrictIntegerField(serializers.IntegerField):
    """An integer that is a JSON number without fraction: "10", 10.0 and true are refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string: numbers and booleans are refused instead of being turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WopiPersonSerializer(serializers.Serializer[Any]):
    Id = serializers.CharField(required=False)
    Provider = serializers.CharField(required=False)
    Name = serializers.CharField(required=False)
    Mentioned = serializers.BooleanField(required=False)
    InThread = serializers.BooleanField(required=False)
    RepliedTo = serializers.BooleanField(required=False)
    Creator = serializers.BooleanField(required=False)


class WopiActivityDataSerializer(serializers.Serializer[Any]):
    ContentId = serializers.CharField(required=False, max_length=1024)
    ContentAction = serializers.ChoiceField(choices=["created", "updated", "deleted"], required=False)
    NavigationId = serializers.CharField(required=False, max_length=1024)
    CommentText = serializers.CharField(required=False)
    IsReply = serializers.BooleanField(required=False)
    ParentContentId = serializers.CharField(required=False, max_length=1024)


class WopiActivitySerializer(serializers.Serializer[Any]):
    Type = serializers.CharField(help_text="comment or mention; other types are answered with status 3")
    Id = serializers.CharField(help_text="a UUID, echoed back as sent")
    Timestamp = serializers.CharField(required=False)
    Data = WopiActivityDataSerializer(required=False)
    People = WopiPersonSerializer(many=True, required=False)


class AddActivitiesInput(serializers.Serializer[Any]):
    Activities = WopiActivitySerializer(many=True)


class ActivityResponseOutput(serializers.Serializer[Any]):
    Id = serializers.CharField()
    Status = serializers.IntegerField(help_text="0 success, 1 retryable failure, 2 permanent failure, 3 unknown type")
    Message = serializers.CharField(required=False)


class AddActivitiesOutput(serializers.Serializer[Any]):
    ActivityResponses = ActivityResponseOutput(many=True)


class GetActivitiesInput(serializers.Serializer[Any]):
    """Null or empty optional fields count as absent (clients serialise unset properties as null); TypeFilter
    names the host does not know are ignored whatever their length or number (the spec forbids a 400 for them),
    bounded only by the body size."""

    Top = StrictIntegerField(help_text="most activities wanted; the host answers at most 100")
    SkipToken = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=SKIP_TOKEN_MAX_CHARS,
        help_text="the SkipToken of the previous page; null or empty: the first page",
    )
    TypeFilter = serializers.ListField(
        child=StrictCharField(allow_blank=True),
        required=False,
        allow_null=True,
        help_text="the types wanted; absent, null or empty: every type; unknown names are ignored",
    )


@dataclass(frozen=True)
class GetActivitiesQuery:
    top: int
    skip_token: str | None
    type_filter: list[str] | None


def get_activities_query(document: dict[str, Any]) -> GetActivitiesQuery | None:
    """The GetActivities body read by ``GetActivitiesInput``'s rules, or None where it would be invalid.

    Written out because the serializer costs more than the page's query; a test holds the two to the same
    answers. ``Top``: an integer, not a boolean. ``SkipToken``: a string, trimmed, of at most 2000 characters;
    null, empty or blank is none. ``TypeFilter``: an array of strings, each trimmed; null is none. NUL and lone
    surrogates never get here (the JSON reader refuses them). Other members are ignored.
    """
    top = document.get("Top")
    if type(top) is not int:
        return None
    skip_token = document.get("SkipToken")
    if skip_token is not None:
        if not isinstance(skip_token, str):
            return None
        skip_token = skip_token.strip()
        if len(skip_token) > SKIP_TOKEN_MAX_CHARS:
            return None
    type_filter = document.get("TypeFilter")
    if type_filter is not None:
        if not isinstance(type_filter, list) or not all(isinstance(name, str) for name in type_filter):
            return None
        type_filter = [name.strip() for name in type_filter]
    return GetActivitiesQuery(top=top, skip_token=skip_token or None, type_filter=type_filter)


class GetActivitiesOutput(serializers.Serializer[Any]):
    Activities = WopiActivitySerializer(many=True)
    MoreResultsExist = serializers.BooleanField()
    ItemsExceedTop = serializers.BooleanField(help_text="older name of MoreResultsExist, same value")
    SkipToken = serializers.CharField(required=False)


class CheckFileInfoOutput(serializers.Serializer[Any]):
    BaseFileName = serializers.CharField()
    OwnerId = serializers.CharField()
    UserId = serializers.CharField()
    Size = serializers.IntegerField()
    Version = serializers.CharField()
    UserFriendlyName = serializers.CharField()
    LastModifiedTime = serializers.CharField()
    HostName = serializers.CharField()
    UserCanWrite = serializers.BooleanField()
    UserCanRename = serializers.BooleanField()
    UserCanNotWriteRelative = serializers.BooleanField()
    ReadOnly = serializers.BooleanField()
    SupportsUpdate = serializers.BooleanField()
    SupportsLocks = serializers.BooleanField()
    SupportsGetLock = serializers.BooleanField()
    SupportsExtendedLockLength = serializers.BooleanField()
    SupportsRename = serializers.BooleanField()
    SupportsDeleteFile = serializers.BooleanField()
    SupportsUserInfo = serializers.BooleanField()
    SupportsAddActivities = serializers.BooleanField()
    SupportsGetActivities = serializers.BooleanField()
    SupportedActivityTypes = serializers.ListField(child=serializers.CharField())
    UserInfo = serializers.CharField(required=False)
    HostViewUrl = serializers.URLField(required=False)
    HostEditUrl = serializers.URLField(required=False)


class PutRelativeFileOutput(serializers.Serializer[Any]):
    Name = serializers.CharField(help_text="the new file's name, with extension")
    Url = serializers.URLField(help_text="the new file's WOPISrc with a new access_token")
    HostViewUrl = serializers.URLField()
    HostEditUrl = serializers.URLField()


class RenameFileOutput(serializers.Serializer[Any]):
    Name = serializers.CharField(help_text="the new name, without extension")
