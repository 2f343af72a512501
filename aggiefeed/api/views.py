"""Aggiefeed API views (contract §3-§8): validate, call one service or selector, shape the answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import orjson
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from aggiefeed import selectors, services
from aggiefeed.api.authentication import ApiKeyAuthentication, ModeratorSessionAuthentication
from aggiefeed.api.base import AggiefeedApi, body_of, query_of, request_api_key, request_moderator
from aggiefeed.api.serializers import (
    AggiefeedActivityCreatedOutput,
    AggiefeedActivityEnvelopeInput,
    AggiefeedActivityEnvelopeOutput,
    AggiefeedActivityOutput,
    AggiefeedErrorOutput,
    AggiefeedListQuery,
    AggiefeedModerationOutput,
    AggiefeedPublicQuery,
    AggiefeedRejectInput,
    AggiefeedRejectOutput,
    AggiefeedWhereQuery,
)
from aggiefeed.dates import parse_zulu
from aggiefeed.models import Post

TAG = ["Aggiefeed"]
ERROR = AggiefeedErrorOutput
OBJECT_ID = OpenApiParameter("object_id", str, OpenApiParameter.PATH, description="the activity's object.id")
AUTH_ERRORS: dict[int, Any] = {
    401: OpenApiResponse(ERROR, description="no key, another scheme, or an unknown key"),
    403: OpenApiResponse(ERROR, description="the credentials may not do this"),
}
NEXT_LINK = "Link (rel=next): the keyset cursor of the next page, when there is one."


def _stream_query(params: dict[str, Any]) -> selectors.StreamQuery:
    return selectors.StreamQuery(
        skip=params["s"],
        limit=params["l"],
        types=params.get("t", []),
        labels=params.get("m", []),
        sources=params.get("o", []),
        start_from=parse_zulu(params["sd"]) if "sd" in params else None,
        start_to=parse_zulu(params["ed"]) if "ed" in params else None,
        text=params.get("q", ""),
        after=params.get("after", ""),
    )


def _page_response(request: Request, posts: list[selectors.PostRow], limit: int) -> Response:
    """A bare array (contract §5) and, when more rows follow, a ``Link`` to the next keyset page.

    Each post is its stored document (AggiefeedActivityOutput returns it as stored too), decoded by orjson.
    """
    page = posts[:limit]
    response = Response([orjson.loads(row.document) for row in page])
    if len(posts) > limit and page:
        params = request.query_params.copy()
        params["after"] = selectors.cursor_encode(page[-1])
        params["s"] = "0"
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{urlencode(params, doseq=True)}>; rel="next"'
    return response


class ActivityCollectionApi(AggiefeedApi):
    authentication_classes = [ApiKeyAuthentication, ModeratorSessionAuthentication]

    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_list",
        summary="List the live stream (key) or the approval queue (status=a, moderator session)",
        description=(
            "Repeating a filter ORs its values; different filters AND together. "
            "Newest `published` first, ties by object.id. " + NEXT_LINK
        ),
        parameters=[AggiefeedListQuery],
        responses={
            200: AggiefeedActivityOutput(many=True),
            400: OpenApiResponse(ERROR, description="bad_parameter"),
            **AUTH_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        params = query_of(AggiefeedListQuery, request)
        query = _stream_query(params)
        if params["status"] == Post.Status.APPROVAL:
            user = request_moderator(request)
            posts = selectors.queue_for_moderator(user=user, query=query, kname=params.get("u"))
        else:
            api_key = request_api_key(request)
            posts = selectors.stream_for_key(api_key=api_key, query=query, kname=params.get("u"))
        return _page_response(request, posts, query.limit)

    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_create",
        summary="Send an activity (into the approval queue)",
        request=AggiefeedActivityEnvelopeInput,
        responses={
            201: AggiefeedActivityCreatedOutput,
            400: OpenApiResponse(ERROR, description="invalid_json or validation_error"),
            **AUTH_ERRORS,
            409: OpenApiResponse(ERROR, description="duplicate: that object.id exists; PUT it instead"),
            413: OpenApiResponse(ERROR, description="too_large"),
        },
    )
    def post(self, request: Request) -> Response:
        api_key = request_api_key(request)
        activity = body_of(AggiefeedActivityEnvelopeInput, request)["activity"]
        post = services.activity_create(api_key=api_key, activity=activity)
        body = AggiefeedActivityCreatedOutput({"activity": post, "status": post.status}).data
        response = Response(body, status=status.HTTP_201_CREATED)
        # object.id is any string without "/" (contract §1): encode it, a raw one may break the header or the URL
        response["Location"] = f"/api/v1/activity/{quote(post.object_id, safe='')}?status={post.status}"
        return response


class ActivityPublicApi(AggiefeedApi):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_public",
        summary="The anonymous public stream (live posts addressed to public)",
        description="`q` matches title or content, case-insensitively. " + NEXT_LINK,
        auth=[],
        parameters=[AggiefeedPublicQuery],
        responses={200: AggiefeedActivityOutput(many=True), 400: OpenApiResponse(ERROR, description="bad_parameter")},
    )
    def get(self, request: Request) -> Response:
        query = _stream_query(query_of(AggiefeedPublicQuery, request))
        return _page_response(request, selectors.stream_public(query=query), query.limit)


class ActivityItemApi(AggiefeedApi):
    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_update",
        summary="Replace an activity in the queue named by status (the seed's PUT)",
        description="Matches object.id, the queue (`status`) and, when sent, the deprecated `userId` (author).",
        parameters=[OBJECT_ID, AggiefeedWhereQuery],
        request=AggiefeedActivityEnvelopeInput,
        responses={
            200: AggiefeedActivityEnvelopeOutput,
            400: OpenApiResponse(ERROR, description="bad_parameter, invalid_json or validation_error"),
            **AUTH_ERRORS,
            404: OpenApiResponse(ERROR, description="no such activity in that queue for this key"),
        },
    )
    def put(self, request: Request, object_id: str) -> Response:
        api_key = request_api_key(request)
        where = query_of(AggiefeedWhereQuery, request)
        activity = body_of(AggiefeedActivityEnvelopeInput, request)["activity"]
        post = services.activity_update(
            api_key=api_key, object_id=object_id, status=where["status"], activity=activity, user_id=where.get("userId")
        )
        return Response(AggiefeedActivityEnvelopeOutput({"activity": post}).data)

    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_delete",
        summary="Remove an activity from the queue named by status",
        parameters=[OBJECT_ID, AggiefeedWhereQuery],
        request=None,
        responses={
            204: OpenApiResponse(description="removed (a live one leaves every stream)"),
            400: OpenApiResponse(ERROR, description="bad_parameter"),
            **AUTH_ERRORS,
            404: OpenApiResponse(ERROR, description="no such activity in that queue for this key"),
        },
    )
    def delete(self, request: Request, object_id: str) -> Response:
        api_key = request_api_key(request)
        where = query_of(AggiefeedWhereQuery, request)
        services.activity_delete(
            api_key=api_key, object_id=object_id, status=where["status"], user_id=where.get("userId")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModerationApi(AggiefeedApi):
    """Base of the moderation calls: a moderator's admin session (a key is refused with 403)."""

    authentication_classes = [ModeratorSessionAuthentication, ApiKeyAuthentication]


MODERATION_ERRORS: dict[int, Any] = {
    401: OpenApiResponse(ERROR, description="not signed in"),
    403: OpenApiResponse(ERROR, description="an API key, a missing CSRF token, or someone who moderates no source"),
    404: OpenApiResponse(ERROR, description="not in that queue of a source the caller moderates"),
}


class ActivityApproveApi(ModerationApi):
    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_approve",
        summary="Approve a queued activity (it goes live on its source's n-th distinct approver)",
        parameters=[OBJECT_ID],
        request=None,
        responses={200: AggiefeedModerationOutput, **MODERATION_ERRORS},
    )
    def post(self, request: Request, object_id: str) -> Response:
        post, approvals = services.post_approve(user=request_moderator(request), object_id=object_id)
        body = {"activity": post, "status": post.status, "approvals": approvals}
        return Response(AggiefeedModerationOutput(body).data)


class ActivityRejectApi(ModerationApi):
    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_reject",
        summary="Reject a queued activity (removed; the reason stays in the audit trail)",
        parameters=[OBJECT_ID],
        request=AggiefeedRejectInput,
        responses={
            200: AggiefeedRejectOutput,
            400: OpenApiResponse(ERROR, description="invalid_json or validation_error"),
            **MODERATION_ERRORS,
        },
    )
    def post(self, request: Request, object_id: str) -> Response:
        user = request_moderator(request)
        body = body_of(
            AggiefeedRejectInput,
            request,
            field="body",
            shape='{"reason": "..."} or empty',
            message="The request body is invalid.",
        )
        reason = body["reason"]
        services.post_reject(user=user, object_id=object_id, reason=reason)
        return Response(AggiefeedRejectOutput({"objectId": object_id, "status": "rejected", "reason": reason}).data)


class ActivityUnpublishApi(ModerationApi):
    @extend_schema(
        tags=TAG,
        operation_id="aggiefeed_activity_unpublish",
        summary="Move a live activity back to the approval queue (out of every stream)",
        parameters=[OBJECT_ID],
        request=None,
        responses={200: AggiefeedModerationOutput, **MODERATION_ERRORS},
    )
    def post(self, request: Request, object_id: str) -> Response:
        post = services.post_unpublish(user=request_moderator(request), object_id=object_id)
        return Response(AggiefeedModerationOutput({"activity": post, "status": post.status, "approvals": 0}).data)
