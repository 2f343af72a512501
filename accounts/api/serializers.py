"""Input and output serializers of the Pryv administration API (accounts), and the Pryv error body."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from accounts.languages import ISO_639_1
from accounts.models import TOKEN_NAME_MAX_LENGTH, AccessToken, TokenPermission
from accounts.selectors import ChannelGrant, FolderGrant, token_grants
from accounts.validators import validate_no_control_characters

IDENTITY = r"^[a-zA-Z0-9._-]{1,100}$"
LEVEL_ALIASES = {"read-only": "read", "events-write": "contribute"}


# The Pryv error body (contract §1.7); ``data`` would shadow Serializer.data in a class body.
PryvErrorOutput = inline_serializer(
    name="PryvError",
    fields={
        "id": serializers.CharField(help_text="stable error id, e.g. INVALID_CREDENTIALS"),
        "message": serializers.CharField(),
        "data": serializers.JSONField(required=False, help_text="details, documented per error"),
    },
)


class EmptyOutput(serializers.Serializer[Any]):
    """``{}``: the body of a successful update, delete or logout (contract §1.4)."""


class StringField(serializers.CharField):
    """A string, and only a string: DRF's CharField would take ``5`` or ``true`` as ``"5"`` or ``"True"``."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdentityField(StringField, serializers.RegexField):
    """An identity (contract §2.2), given as a string."""


class EmailField(StringField, serializers.EmailField):
    """An email address, given as a string."""


class StrictInput(serializers.Serializer[Any]):
    """An input object that refuses properties it does not know (contract §1.2), but those it ignores."""

    ignored: ClassVar[frozenset[str]] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields and key not in self.ignored)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown property."] for key in unknown})
        return super().to_internal_value(data)


class LoginInput(StrictInput):
    userName = StringField(required=False, max_length=150, allow_blank=True)
    username = StringField(required=False, max_length=150, allow_blank=True, help_text="alias of userName")
    password = StringField(required=False, max_length=4096, allow_blank=True, trim_whitespace=False)


class LoginOutput(serializers.Serializer[Any]):
    sessionID = serializers.CharField(help_text="send it raw in Authorization on administration calls")


class UserInfoOutput(serializers.Serializer[Any]):
    userName = serializers.CharField(source="username")
    email = serializers.EmailField()
    displayName = serializers.CharField(source="display_name")
    language = serializers.CharField(help_text="ISO 639-1 code")


class UserInfoUpdateInput(StrictInput):
    ignored = frozenset({"userName"})

    email = EmailField(required=False, allow_blank=True, max_length=254)
    displayName = StringField(
        required=False, allow_blank=True, max_length=255, validators=[validate_no_control_characters]
    )
    language = StringField(required=False, help_text="ISO 639-1 code, e.g. en")

    def validate_language(self, value: str) -> str:
        if value not in ISO_639_1:
            raise serializers.ValidationError("Not an ISO 639-1 two-letter language code.")
        return value


class PasswordChangeInput(StrictInput):
    oldPassword = StringField(max_length=4096, trim_whitespace=False)
    newPassword = StringField(max_length=4096, trim_whitespace=False)


class LevelField(serializers.ChoiceField):
    """A permission level; the seed-era names ``read-only`` and ``events-write`` are accepted as aliases."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TokenPermission.Level.values, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = LEVEL_ALIASES.get(data, data)
        return super().to_internal_value(data)


def _level_alias(data: Any) -> Any:
    """Accept the input alias ``type`` for ``level`` (contract §3.5)."""
    if isinstance(data, dict) and "type" in data:
        if "level" in data:
            raise serializers.ValidationError({"type": ["Give either level or its alias type, not both."]})
        data = {**data, "level": data["type"]}
        del data["type"]
    return data


class FolderPermissionInput(StrictInput):
    folderId = IdentityField(IDENTITY, allow_null=True, help_text="null: the root of the tree")
    level = LevelField()

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(_level_alias(data))


class ChannelPermissionInput(StrictInput):
    channelId = IdentityField(r"^(\*|[a-zA-Z0-9._-]{1,100})$", help_text="a channel id, or * for all")
    level = LevelField(required=False, help_text="alias: type")
    folderPermissions = serializers.ListField(child=FolderPermissionInput(), required=False, max_length=1000)

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(_level_alias(data))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        folders = attrs.get("folderPermissions")
        if "level" not in attrs and not folders:
            raise serializers.ValidationError("A channel permission needs a level or folder permissions.")
        refs = [folder["folderId"] for folder in folders or ()]
        if len(set(refs)) != len(refs):
            raise serializers.ValidationError({"folderPermissions": ["A folder is listed twice."]})
        return attrs


def _grants(permissions: list[dict[str, Any]]) -> list[ChannelGrant]:
    refs = [permission["channelId"] for permission in permissions]
    if len(set(refs)) != len(refs):
        raise serializers.ValidationError("A channel is listed twice.")
    return [
        ChannelGrant(
            channel_ref=permission["channelId"],
            level=permission.get("level"),
            folders=tuple(
                FolderGrant(folder_ref=folder["folderId"], level=folder["level"])
                for folder in permission.get("folderPermissions") or ()
            ),
        )
        for permission in permissions
    ]


class TokenNameField(StringField):
    """A token's name: 1 to 255 characters, none of them a control character."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=TOKEN_NAME_MAX_LENGTH, validators=[validate_no_control_characters], **kwargs)


class PersonalTokenPath(serializers.Serializer[Any]):
    """The name in ``/tokens/{ref}`` of a personal token to get or create: a token name like any other."""

    ref = TokenNameField()


class TokenCreateInput(StrictInput):
    id = StringField(required=False, help_text="client-chosen credential: 32 to 100 of [a-zA-Z0-9._-]")
    name = TokenNameField()
    type = serializers.ChoiceField(choices=AccessToken.Kind.values, default=AccessToken.Kind.SHARED)
    permissions = serializers.ListField(child=ChannelPermissionInput(), required=False, max_length=1000)

    def validate_permissions(self, value: list[dict[str, Any]]) -> list[ChannelGrant]:
        return _grants(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["type"] == AccessToken.Kind.SHARED and "permissions" not in attrs:
            raise serializers.ValidationError({"permissions": ["This field is required for a shared token."]})
        return attrs


class TokenUpdateInput(StrictInput):
    ignored = frozenset({"id"})

    name = TokenNameField(required=False)
    type = serializers.ChoiceField(choices=AccessToken.Kind.values, required=False)
    permissions = serializers.ListField(child=ChannelPermissionInput(), required=False, max_length=1000)

    def validate_permissions(self, value: list[dict[str, Any]]) -> list[ChannelGrant]:
        return _grants(value)


class TokenIdOutput(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="the token's credential: shown this once, stored only hashed")


class FolderPermissionOutput(serializers.Serializer[Any]):
    folderId = serializers.CharField(source="folder_ref", allow_null=True)
    level = serializers.CharField()


class ChannelPermissionOutput(serializers.Serializer[Any]):
    channelId = serializers.CharField(source="channel_ref")
    level = serializers.CharField(required=False)
    folderPermissions = FolderPermissionOutput(source="folders", many=True, required=False)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not instance.folders:
            data.pop("folderPermissions")
        if instance.level is None:
            data.pop("level")
        return data


class TokenOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField(source="kind")
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, token: AccessToken) -> list[dict[str, Any]]:
        return list(ChannelPermissionOutput(token_grants(permissions=token.permissions.all()), many=True).data)


class TokenListQuery(serializers.Serializer[Any]):
    after = StringField(required=False, help_text="the last name of the previous page")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=1000)
