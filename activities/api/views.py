"""OCS endpoints of the Nextcloud Activity API: the stream, its filters, capabilities and the current user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from activities import registry
from activities.api.base import OcsAPIView, ocs_user
from activities.api.ocs import activity_etag, link_next, response_etag
from activities.api.serializers import (
    CsrfFailedOutput,
    OcsActivityOutput,
    OcsCapabilitiesOutput,
    OcsFilterOutput,
    OcsStreamInput,
    OcsUserOutput,
    ocs_activity,
    ocs_envelope_output,
)
from activities.rendering import absolute_url, first_absolute_url, item_render
from activities.selectors import stream_filter_get, stream_page

ACTIVITY_CAPABILITY = {"apiv2": ["filters", "filters-api", "previews", "rich-strings"]}
BUILTIN_FILTERS = (
    ("all", "All activities", "activities/img/activity.svg", 0),
    ("self", "By you", "activities/img/self.svg", 1),
    ("by", "By others", "activities/img/by.svg", 2),
)

_ERROR = ocs_envelope_output("Error", serializers.ListField(child=serializers.JSONField(), max_length=0))
_COMMON_ERRORS: dict[int | str, Any] = {
    401: OpenApiResponse(_ERROR, description="no or wrong Basic credentials (statuscode 997)"),
    412: OpenApiResponse(CsrfFailedOutput, description="the OCS-APIRequest: true header is missing"),
    400: OpenApiResponse(_ERROR, description="format is neither json nor xml"),
    429: OpenApiResponse(_ERROR, description="too many failed logins (both versions); see Retry-After"),
}
_OCS_HEADER = OpenApiParameter(
    "OCS-APIRequest", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, enum=["true"]
)


def _base_url(request: Request) -> str:
    return f"{request.scheme}://{request.get_host()}"


class ActivityStreamApi(OcsAPIView):
    """The caller's stream, newest first by default, paged by ``since`` (contract §5 to §8)."""

    @extend_schema(
        summary="Activity stream (filter all, self, by, filter or a source id)",
        parameters=[
            OcsStreamInput,
            _OCS_HEADER,
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="an ETag"),
        ],
        responses={
            200: ocs_envelope_output("Stream", OcsActivityOutput(many=True)),
            304: OpenApiResponse(
                description="no activity (end of the list) or ETag matched: empty on v2; on v1 HTTP 200 with "
                "statuscode 304 in the body"
            ),
            403: OpenApiResponse(_ERROR, description="since names another user's activity (v1: HTTP 200)"),
            404: OpenApiResponse(_ERROR, description="unknown filter (v1: HTTP 200)"),
            **_COMMON_ERRORS,
        },
    )
    def get(self, request: Request, filter_id: str = "all", **kwargs: Any) -> Response:
        params = OcsStreamInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        user = ocs_user(request)
        stream_filter = stream_filter_get(
            filter_id=filter_id, object_type=query["object_type"], object_id=query["object_id"]
        )
        page = stream_page(
            user_id=user.pk,
            stream_filter=stream_filter,
            since=query["since"],
            limit=query["limit"],
            ascending=query["sort"] == "asc",
        )
        base_url = _base_url(request)
        default_icon = registry.default_icon()
        data = [
            ocs_activity(
                item,
                item_render(item, viewer_id=user.pk),
                base_url=base_url,
                default_icon=default_icon,
                previews=query["previews"],
            )
            for item in page.items
        ]
        headers: dict[str, str] = {}
        if page.first_known is not None:
            headers["X-Activity-First-Known"] = str(page.first_known)
        if page.last_given is not None:
            headers["X-Activity-Last-Given"] = str(page.last_given)
            if page.has_more:
                headers["Link"] = link_next(
                    scheme=request.scheme or "http",
                    host=request.get_host(),
                    path=request.path,
                    since=page.last_given,
                    limit=query["limit"],
                    sort=query["sort"],
                    object_type=query["object_type"],
                    object_id=query["object_id"],
                    format_param=request.query_params.get("format"),
                )
        headers["ETag"] = activity_etag(element["activity_id"] for element in data)
        if not data or request.META.get("HTTP_IF_NONE_MATCH") == headers["ETag"]:
            return self.ocs_response([], 304, headers=headers)
        return self.ocs_response(data, headers=headers)


class ActivityFilterListApi(OcsAPIView):
    """The stream's filters: the built-in ones and one per registered source, by priority then id (§11)."""

    @extend_schema(
        summary="Filters of the activity stream",
        parameters=[_OCS_HEADER],
        responses={200: ocs_envelope_output("Filters", OcsFilterOutput(many=True)), **_COMMON_ERRORS},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        ocs_user(request)
        base_url = _base_url(request)
        filters = [
            {"id": id_, "name": name, "icon": absolute_url(static(icon), base_url), "priority": priority}
            for id_, name, icon, priority in BUILTIN_FILTERS
        ]
        filters += [
            {
                "id": source.id,
                "name": source.name,
                "icon": first_absolute_url((source.icon, static("activities/img/filter.svg")), base_url),
                "priority": source.priority,
            }
            for source in registry.sources()
        ]
        filters.sort(key=lambda f: (f["priority"], f["id"]))
        return self.ocs_response(filters)


class CapabilitiesApi(OcsAPIView):
    """Server version and capabilities; a public page, the activity capability only for logged-in callers (§10)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Server version and capabilities",
        auth=[{}, {"ocsBasicAuth": []}],  # type: ignore[list-item]
        parameters=[_OCS_HEADER],
        responses={
            200: ocs_envelope_output("Capabilities", OcsCapabilitiesOutput()),
            304: OpenApiResponse(description="If-None-Match equals the (quoted) ETag"),
            **_COMMON_ERRORS,
        },
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        parts = [int(part) if part.isdigit() else 0 for part in settings.NEXTCLOUD_VERSION.split(".")] + [0, 0, 0]
        capabilities: dict[str, Any] = {}
        if request.user is not None:
            capabilities["activity"] = ACTIVITY_CAPABILITY
        data: dict[str, Any] = {
            "version": {
                "major": parts[0],
                "minor": parts[1],
                "micro": parts[2],
                "string": f"{parts[0]}.{parts[1]}.{parts[2]}",
                "edition": "",
                "extendedSupport": False,
            },
            "capabilities": capabilities or [],
        }
        etag = response_etag(data)
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            return Response(None, status=304, headers={"ETag": etag})
        return self.ocs_response(data, headers={"ETag": etag})


class CurrentUserApi(OcsAPIView):
    """The caller's account, as Nextcloud's provisioning API answers it (``data.id`` is the login name)."""

    @extend_schema(
        summary="The current user",
        parameters=[_OCS_HEADER],
        responses={200: ocs_envelope_output("User", OcsUserOutput), **_COMMON_ERRORS},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        user = ocs_user(request)
        return self.ocs_response(
            {
                "id": user.username,
                "display-name": user.shown_name,
                "email": user.email or None,
                "groups": sorted(user.groups.values_list("name", flat=True)),
                "language": user.language,
            }
        )
