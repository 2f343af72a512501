"""Input and output of the OCS endpoints.

Input parameters are coerced the way Nextcloud's dispatcher does (PHP casts), so they never fail: a bad
``since`` is 0, a bad ``sort`` is ``desc``. The output of the stream is built by ``ocs_activity`` from the
stream rows (one dict per item, no serializer machinery on the hot path); the ``…Output`` serializers
describe the same shapes in the OpenAPI document.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from activities import registry
from activities.api.ocs import php_bool, php_int, php_list_or_map
from activities.rendering import RenderedItem, absolute_url, first_absolute_url
from activities.selectors import StreamItem


@extend_schema_field(OpenApiTypes.INT)
class PhpIntegerField(serializers.Field):  # type: ignore[type-arg]
    """An integer parameter read like PHP's ``settype($v, 'int')``: ``12abc`` is 12, ``abc`` is 0."""

    def to_internal_value(self, data: Any) -> int:
        return php_int(str(data))

    def to_representation(self, value: int) -> int:
        return value


@extend_schema_field(OpenApiTypes.BOOL)
class PhpBooleanField(serializers.Field):  # type: ignore[type-arg]
    """A boolean parameter: ``false``, ``0`` and empty are false, anything else true."""

    def to_internal_value(self, data: Any) -> bool:
        return php_bool(str(data))

    def to_representation(self, value: bool) -> bool:
        return value


class OcsStreamInput(serializers.Serializer):  # type: ignore[type-arg]
    since = PhpIntegerField(required=False, default=0, help_text="id of the last activity the client holds")
    limit = PhpIntegerField(required=False, default=50, help_text="page size, capped at 200; 0 gives a 304")
    sort = serializers.CharField(
        required=False, default="desc", trim_whitespace=False, help_text="asc or desc (anything else: desc)"
    )
    object_type = serializers.CharField(required=False, default="", allow_blank=True, trim_whitespace=False)
    object_id = PhpIntegerField(required=False, default=0, help_text="the integer object id of the activities")
    previews = PhpBooleanField(required=False, default=False, help_text="add previews to every item")
    format = serializers.ChoiceField(choices=["json", "xml"], required=False, help_text="default: Accept, else xml")

    def validate_sort(self, value: str) -> str:
        return value if value in ("asc", "desc") else "desc"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Nextcloud keeps the object only when both halves are set (contract §5.1).
        if not attrs["object_type"] or not attrs["object_id"]:
            attrs["object_type"], attrs["object_id"] = "", 0
        return attrs


def ocs_activity(
    item: StreamItem, rendered: RenderedItem, *, base_url: str, default_icon: str, previews: bool
) -> dict[str, Any]:
    """One activity element of contract §8, keys in upstream's order; ``previews`` only when asked for.

    ``default_icon`` is ``registry.default_icon()``, resolved once per page by the caller (a static-files
    lookup, not per item).
    """
    object_id = item.object_ref_id or 0
    source = registry.source_get(item.source)
    icon_candidates = (item.icon, source.icon if source is not None else "", default_icon)
    element: dict[str, Any] = {
        "activity_id": item.id,
        "app": item.source,
        "type": item.type,
        "user": item.actor_ref,
        "subject": rendered.subject.text,
        "subject_rich": [rendered.subject.rich, php_list_or_map(rendered.subject.params)],
        "message": rendered.message.text,
        "message_rich": [rendered.message.rich, php_list_or_map(rendered.message.params)],
        "object_type": item.object_type,
        "object_id": object_id,
        "object_name": item.object_name,
        "objects": php_list_or_map({str(object_id): item.object_name}) if object_id or item.object_name else [],
        "link": absolute_url(item.link, base_url),
        "icon": first_absolute_url(icon_candidates, base_url),
        "datetime": item.created.astimezone(UTC).isoformat(timespec="seconds"),  # 2026-11-30T10:30:20+00:00
    }
    if previews:
        view = registry.PreviewView(item.object_type, object_id, item.object_name, item.link, item.subject_params)
        element["previews"] = [
            {
                **preview,
                "link": absolute_url(str(preview.get("link", "")), base_url),
                "source": absolute_url(str(preview.get("source", "")), base_url),
            }
            for preview in registry.type_get(item.source, item.type).previewer(view)
        ]
    return element


class OcsMetaOutput(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.CharField(help_text="ok or failure")
    statuscode = serializers.IntegerField(help_text="v1: 100 for success; v2: the HTTP-like status; 997 unauthorised")
    message = serializers.CharField()
    totalitems = serializers.CharField(required=False, help_text="v1 only, always empty")
    itemsperpage = serializers.CharField(required=False, help_text="v1 only, always empty")


class OcsPreviewOutput(serializers.Serializer):  # type: ignore[type-arg]
    link = serializers.URLField()
    source = serializers.URLField()  # type: ignore[assignment]
    mimeType = serializers.CharField()
    isMimeTypeIcon = serializers.BooleanField()
    fileId = serializers.IntegerField()
    view = serializers.CharField()
    filename = serializers.CharField()


class OcsActivityOutput(serializers.Serializer):  # type: ignore[type-arg]
    activity_id = serializers.IntegerField()
    app = serializers.CharField(help_text="the source that reported it (a filter id)")
    type = serializers.CharField()
    user = serializers.CharField(help_text="the author's id; empty when unknown")
    subject = serializers.CharField()
    subject_rich = serializers.ListField(
        child=serializers.JSONField(), help_text="[template with {placeholders}, {placeholder: rich object}]"
    )
    message = serializers.CharField()
    message_rich = serializers.ListField(child=serializers.JSONField())
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(help_text="integer surrogate of the object; 0 when none")
    object_name = serializers.CharField()
    objects = serializers.JSONField(help_text='{"<object_id>": "<object_name>"}, or [] when empty')
    link = serializers.CharField()
    icon = serializers.URLField()
    datetime = serializers.CharField(help_text="ISO 8601 in UTC with +00:00")
    previews = OcsPreviewOutput(many=True, required=False, help_text="only with previews=true")


class OcsFilterOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField()
    name = serializers.CharField()
    icon = serializers.URLField()
    priority = serializers.IntegerField()


class OcsVersionOutput(serializers.Serializer):  # type: ignore[type-arg]
    major = serializers.IntegerField()
    minor = serializers.IntegerField()
    micro = serializers.IntegerField()
    string = serializers.CharField()
    edition = serializers.CharField()
    extendedSupport = serializers.BooleanField()


class OcsCapabilitiesOutput(serializers.Serializer):  # type: ignore[type-arg]
    version = OcsVersionOutput()
    capabilities = serializers.JSONField(help_text='{"activity": {"apiv2": [...]}} for authenticated callers')


OcsUserOutput = inline_serializer(
    name="OcsUserOutput",
    fields={
        "id": serializers.CharField(help_text="the login name"),
        "display-name": serializers.CharField(),
        "email": serializers.EmailField(allow_null=True),
        "groups": serializers.ListField(child=serializers.CharField()),
        "language": serializers.CharField(),
    },
)


def ocs_envelope_output(name: str, data: serializers.Field) -> serializers.Serializer:  # type: ignore[type-arg]
    """The OpenAPI shape of an OCS reply ``{"ocs": {"meta", "data"}}`` with ``data`` as given."""
    return inline_serializer(
        name=f"Ocs{name}Response",
        fields={"ocs": inline_serializer(name=f"Ocs{name}Body", fields={"meta": OcsMetaOutput(), "data": data})},
    )


class CsrfFailedOutput(serializers.Serializer):  # type: ignore[type-arg]
    message = serializers.CharField(help_text="CSRF check failed")
