"""Thin views of the Pryv activity API (contract §4) and of the channel administration (§9.5).

Each view validates its input, calls one service or selector and serializes the answer; the rules live in
``channels.services`` and ``channels.selectors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import URLResolver, get_resolver, resolve
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.authentication import PryvSessionAuthentication
from accounts.api.base import authenticated_user
from accounts.api.serializers import EmptyOutput, PryvErrorOutput
from accounts.models import AccessToken
from channels import selectors, services
from channels.api.authentication import PryvTokenOrSessionAuthentication
from channels.api.base import (
    ChannelsAPIView,
    ChannelsBaseAPIView,
    UploadAPIView,
    query_params,
    token_access,
    validated_query,
)
from channels.api.serializers import (
    BatchInput,
    ChannelCreateInput,
    ChannelOutput,
    ChannelStateQuery,
    ChannelUpdateInput,
    CreatedOutput,
    EventCreateInput,
    EventOutput,
    EventQueryInput,
    EventResultOutput,
    EventStartInput,
    EventStopInput,
    EventUpdateInput,
    FolderCreateInput,
    FolderDeleteQuery,
    FolderMoveInput,
    FolderOutput,
    FolderTreeQuery,
    FolderUpdateInput,
    StoppedOutput,
    event_bodies,
    folder_body,
)
from channels.errors import UnknownAttachment
from channels.selectors import EventRow
from channels.services import UNSET, BatchItem, EventInput, EventResult, FileInput
from config.errors import pryv_body
from config.parsers import JSONParser, json_loads

TAGS = ["Pryv activity"]
ADMIN_TAGS = ["Pryv administration"]
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(PryvErrorOutput, description=description)


BAD_INPUT = "INVALID_REQUEST_STRUCTURE (bad JSON or multipart) or INVALID_PARAMETERS_FORMAT (data: [{param, message}])"
BAD_QUERY = "INVALID_PARAMETERS_FORMAT (data: [{param, message}]) or INVALID_REQUEST_STRUCTURE (over 1000 parameters)"
NO_TOKEN = _error("INVALID_TOKEN: missing, unknown or another user's token (a session id is refused too)")
NO_SESSION = _error("INVALID_CREDENTIALS: missing, expired or ended session (a data token is refused too)")
FORBIDDEN = _error("FORBIDDEN: the token may see this but its level is too low")
UNKNOWN_CHANNEL = _error("UNKNOWN_CHANNEL")
TOO_LARGE = _error("REQUEST_TOO_LARGE")
CHANNEL_ERRORS = {401: NO_TOKEN, 404: UNKNOWN_CHANNEL}


def _write_responses(
    code: int, output: Any, bad_input: str, errors: dict[int, OpenApiResponse] | None = None
) -> dict[int, Any]:
    """The answers of a token write with a body: its success, a 400 (``bad_input`` says which ids), 403 for
    a level too low, 413 for a body too large, and the lookup errors of the path (the channel's by default).
    """
    return {code: output, 400: _error(bad_input), 403: FORBIDDEN, 413: TOO_LARGE, **(errors or CHANNEL_ERRORS)}


def _event_input(data: dict[str, Any]) -> EventInput:
    given = EventInput()
    renames = {"folderId": "folder_id", "clientData": "client_data"}
    for key, value in data.items():
        if key == "type":
            given.type_class, given.type_format = value["class"], value["format"]
        elif key in renames:
            setattr(given, renames[key], value)
        elif key in {"time", "duration", "value", "tags", "description", "trashed"}:
            setattr(given, key, value)
    return given


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _result(result: EventResult) -> dict[str, str]:
    body = {"id": result.event.ident}
    if result.stopped_id is not None:
        body["stoppedId"] = result.stopped_id
    return body


def _events_response(events: Iterable[EventRow], channel_id: str) -> Response:
    return Response(event_bodies(events, channel_id))


def _files(request: Request) -> list[FileInput]:
    files: list[FileInput] = []
    for key, uploads in request.FILES.lists():
        files.extend(FileInput(key=key, file=upload) for upload in uploads if isinstance(upload, UploadedFile))
    return files


def _multipart_event(request: Request) -> Any:
    """The event JSON of a multipart body: exactly one non-file part, named ``event`` (contract §4.3)."""
    parts = request.POST
    if list(parts.keys()) != ["event"] or len(parts.getlist("event")) != 1:
        raise ParseError("A multipart body needs exactly one non-file part, 'event', holding the event's JSON.")
    return json_loads(parts["event"])


class ChannelListApi(ChannelsBaseAPIView):
    authentication_classes = [PryvTokenOrSessionAuthentication]

    def get_authenticators(self) -> list[Any]:
        if self.request is not None and self.request.method == "POST":
            return [PryvSessionAuthentication()]
        return super().get_authenticators()

    @extend_schema(
        tags=TAGS + ADMIN_TAGS,
        operation_id="pryv_channels_list",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=["default", "trashed", "all"],
                description="sessions only: default (not trashed), trashed or all; tokens see only live channels",
            )
        ],
        responses={200: ChannelOutput(many=True), 400: _error(BAD_QUERY), 401: NO_TOKEN},
    )
    def get(self, request: Request) -> Response:
        """With a data token: the channels it can reach, not trashed, by name (contract §4.1). With a session:
        every channel of the user in ``state``, by name (§9.5).
        """
        if isinstance(request.auth, AccessToken):
            channels = selectors.channel_list_for_access(access=token_access(request))
        else:
            query = _validated(ChannelStateQuery, query_params(request))
            channels = list(selectors.channel_list(user=authenticated_user(request), state=query["state"]))
        return Response(ChannelOutput(channels, many=True).data)

    @extend_schema(
        tags=ADMIN_TAGS,
        operation_id="pryv_channels_create",
        request=ChannelCreateInput,
        responses={
            201: CreatedOutput,
            400: _error("ITEM_NAME_ALREADY_EXISTS, ITEM_ID_ALREADY_EXISTS, INVALID_ITEM_ID or " + BAD_INPUT),
            401: NO_SESSION,
            403: _error("FORBIDDEN: CSRF check failed (browser cookie)"),
            413: TOO_LARGE,
        },
    )
    def post(self, request: Request) -> Response:
        """Create a channel (session): ``name`` unique among all the user's channels, optional chosen ``id``."""
        data = _validated(ChannelCreateInput, request.data)
        channel = services.channel_create(
            user=authenticated_user(request),
            name=data["name"],
            ident=data.get("id"),
            enforce_no_events_overlap=data["enforceNoEventsOverlap"],
            client_data=data["clientData"],
        )
        return Response({"id": channel.ident}, status=status.HTTP_201_CREATED)


class ChannelDetailApi(ChannelsBaseAPIView):
    @extend_schema(
        tags=ADMIN_TAGS,
        operation_id="pryv_channels_update",
        request=ChannelUpdateInput,
        responses={
            200: EmptyOutput,
            400: _error("ITEM_NAME_ALREADY_EXISTS or " + BAD_INPUT),
            401: NO_SESSION,
            403: _error("FORBIDDEN: CSRF check failed (browser cookie)"),
            404: UNKNOWN_CHANNEL,
            413: TOO_LARGE,
        },
    )
    def put(self, request: Request, channel_id: str) -> Response:
        """Change a channel's name, strictness, clientData (merged) or trashed flag (session)."""
        data = _validated(ChannelUpdateInput, request.data)
        services.channel_update(
            user=authenticated_user(request),
            ident=channel_id,
            name=data.get("name", UNSET),
            enforce_no_events_overlap=data.get("enforceNoEventsOverlap", UNSET),
            client_data=data.get("clientData", UNSET),
            trashed=data.get("trashed", UNSET),
        )
        return Response({})

    @extend_schema(
        tags=ADMIN_TAGS,
        operation_id="pryv_channels_delete",
        responses={
            200: EmptyOutput,
            401: NO_SESSION,
            403: _error("FORBIDDEN: CSRF check failed (browser cookie)"),
            404: UNKNOWN_CHANNEL,
        },
    )
    def delete(self, request: Request, channel_id: str) -> Response:
        """Trash the channel, or delete it for good with everything in it when it is already trashed."""
        services.channel_delete(user=authenticated_user(request), ident=channel_id)
        return Response({})


TREE_PARAMETERS = [
    OpenApiParameter("includeHidden", bool, description="include hidden folders (default false)"),
    OpenApiParameter("state", str, enum=["default", "trashed", "all"]),
    OpenApiParameter("timeCountBase", float, description="adds timeCount: period seconds since this time"),
]


class FolderListApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_tree",
        parameters=[*TREE_PARAMETERS, OpenApiParameter("parentId", str, description="list under this folder")],
        responses={
            200: FolderOutput(many=True),
            400: _error("UNKNOWN_FOLDER (parentId) or " + BAD_QUERY),
            **CHANNEL_ERRORS,
        },
    )
    def get(self, request: Request, channel_id: str) -> Response:
        """The folder tree the token can read (``read``), from the root or under ``parentId``."""
        return _tree(request, channel_id, None)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_create",
        request=FolderCreateInput,
        responses=_write_responses(
            201,
            CreatedOutput,
            "UNKNOWN_FOLDER (parentId), ITEM_NAME_ALREADY_EXISTS, ITEM_ID_ALREADY_EXISTS, INVALID_ITEM_ID, "
            f"INVALID_OPERATION (data.trashed) or {BAD_INPUT}",
        ),
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Create a folder at the root (whole-channel ``manage``) or under ``parentId`` (``manage`` on it)."""
        return _folder_create(request, channel_id, None)


def _tree(request: Request, channel_id: str, folder_id: str | None) -> Response:
    query = validated_query(FolderTreeQuery, query_params(request))
    scope = selectors.channel_scope(access=token_access(request), channel_id=channel_id)
    items = selectors.folder_tree(
        scope=scope,
        parent_id=folder_id if folder_id is not None else query.get("parentId"),
        parent_in_path=folder_id is not None,
        include_hidden=query["includeHidden"],
        state=query["state"],
        time_count_base=query.get("timeCountBase"),
    )
    return Response([folder_body(item, channel_id) for item in items])


def _folder_create(request: Request, channel_id: str, parent_in_path: str | None) -> Response:
    data = _validated(FolderCreateInput, request.data)
    folder = services.folder_create(
        access=token_access(request),
        channel_id=channel_id,
        name=data["name"],
        ident=data.get("id"),
        parent_id=parent_in_path if parent_in_path is not None else data.get("parentId"),
        parent_in_path=parent_in_path is not None,
        hidden=data["hidden"],
        client_data=data["clientData"],
    )
    return Response({"id": folder.ident}, status=status.HTTP_201_CREATED)


FOLDER_ERRORS = {**CHANNEL_ERRORS, 404: _error("UNKNOWN_CHANNEL or UNKNOWN_FOLDER")}


class FolderDetailApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_subtree",
        parameters=TREE_PARAMETERS,
        responses={200: FolderOutput(many=True), 400: _error(BAD_QUERY), **FOLDER_ERRORS},
    )
    def get(self, request: Request, channel_id: str, folder_id: str) -> Response:
        """The descendants of the folder (its children, recursively) that the token can read."""
        return _tree(request, channel_id, folder_id)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_create_child",
        request=FolderCreateInput,
        responses=_write_responses(
            201,
            CreatedOutput,
            "ITEM_NAME_ALREADY_EXISTS, ITEM_ID_ALREADY_EXISTS, INVALID_ITEM_ID, INVALID_OPERATION (data.trashed) or "
            + BAD_INPUT,
            FOLDER_ERRORS,
        ),
    )
    def post(self, request: Request, channel_id: str, folder_id: str) -> Response:
        """Create a child of the folder named in the path (it wins over a ``parentId`` in the body)."""
        return _folder_create(request, channel_id, folder_id)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_update",
        request=FolderUpdateInput,
        responses=_write_responses(
            200,
            EmptyOutput,
            "UNKNOWN_FOLDER (parentId), ITEM_NAME_ALREADY_EXISTS, INVALID_OPERATION (data.reason = cycle, "
            f"or data.trashed) or {BAD_INPUT}",
            FOLDER_ERRORS,
        ),
    )
    def put(self, request: Request, channel_id: str, folder_id: str) -> Response:
        """Change name, parent (a move), hidden, clientData (merged) or trashed; needs ``manage``."""
        data = _validated(FolderUpdateInput, request.data)
        services.folder_update(
            access=token_access(request),
            channel_id=channel_id,
            folder_id=folder_id,
            name=data.get("name", UNSET),
            parent_id=data.get("parentId", UNSET),
            hidden=data.get("hidden", UNSET),
            client_data=data.get("clientData", UNSET),
            trashed=data.get("trashed", UNSET),
        )
        return Response({})

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_delete",
        parameters=[
            OpenApiParameter(
                "mergeEventsWithParent",
                bool,
                description="on deletion for good with linked events: true moves them to the parent, false deletes",
            )
        ],
        responses={
            200: EmptyOutput,
            400: _error("MISSING_PARAMETER (mergeEventsWithParent) or INVALID_PARAMETERS_FORMAT"),
            403: FORBIDDEN,
            **FOLDER_ERRORS,
        },
    )
    def delete(self, request: Request, channel_id: str, folder_id: str) -> Response:
        """Trash the folder, or delete it for good with its descendants when it is flagged already."""
        query = _validated(FolderDeleteQuery, query_params(request))
        services.folder_delete(
            access=token_access(request),
            channel_id=channel_id,
            folder_id=folder_id,
            merge_events_with_parent=query["mergeEventsWithParent"],
        )
        return Response({})


class FolderMoveApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_folders_move",
        request=FolderMoveInput,
        responses=_write_responses(
            200,
            EmptyOutput,
            "UNKNOWN_FOLDER, ITEM_NAME_ALREADY_EXISTS, INVALID_OPERATION or " + BAD_INPUT,
            FOLDER_ERRORS,
        ),
    )
    def post(self, request: Request, channel_id: str, folder_id: str) -> Response:
        """Move the folder under ``parentId`` (null: the root), as a PUT with only ``parentId``."""
        data = _validated(FolderMoveInput, request.data)
        services.folder_update(
            access=token_access(request), channel_id=channel_id, folder_id=folder_id, parent_id=data["parentId"]
        )
        return Response({})


EVENT_QUERY_PARAMETERS = [
    OpenApiParameter("onlyFolders", str, many=True, description="folder ids (descendants included); 'null'"),
    OpenApiParameter("fromTime", float),
    OpenApiParameter("toTime", float),
    OpenApiParameter("state", str, enum=["default", "trashed", "all"]),
    OpenApiParameter("sortAscending", bool),
    OpenApiParameter("skip", int),
    OpenApiParameter("limit", int, description="default 20 when no time range is given; at most 1000"),
    OpenApiParameter("modifiedSince", float),
    OpenApiParameter("tags", str, many=True, description="events carrying all of these tags"),
]
WRITE_EVENT_ERRORS = (
    "UNKNOWN_FOLDER, INVALID_OPERATION (data.trashed, data.conflictingPeriodId), PERIODS_OVERLAP "
    "(data.overlappedIds) or " + BAD_INPUT
)
BATCH_RESULT = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "stoppedId": {"type": "string"}},
        "required": ["id"],
    },
}
MULTIPART_EVENT = inline_serializer(
    name="PryvEventMultipart",
    fields={
        "event": serializers.CharField(help_text="the event's JSON"),
        "file": serializers.FileField(required=False, help_text="any number of file parts; the key names each"),
    },
)


class EventListApi(UploadAPIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_query",
        parameters=EVENT_QUERY_PARAMETERS,
        responses={
            200: EventOutput(many=True),
            400: _error("UNKNOWN_FOLDER (data.unknownIds) or " + BAD_QUERY),
            **CHANNEL_ERRORS,
        },
    )
    def get(self, request: Request, channel_id: str) -> Response:
        """Events the token can read, by time (newest first unless ``sortAscending``)."""
        query = validated_query(EventQueryInput, query_params(request, lists=("onlyFolders", "tags")))
        scope = selectors.channel_scope(access=token_access(request), channel_id=channel_id)
        only = query.get("onlyFolders")
        events = selectors.events_query(
            scope=scope,
            query=selectors.EventQuery(
                only_folders=[None if ident == "null" else ident for ident in only] if only is not None else None,
                from_time=query.get("fromTime"),
                to_time=query.get("toTime"),
                state=query["state"],
                sort_ascending=query["sortAscending"],
                skip=query["skip"],
                limit=query.get("limit"),
                modified_since=query.get("modifiedSince"),
                tags=query.get("tags", ()),
            ),
        )
        return _events_response(events, channel_id)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_create",
        request={"application/json": EventCreateInput, "multipart/form-data": MULTIPART_EVENT},
        responses=_write_responses(201, EventResultOutput, WRITE_EVENT_ERRORS),
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Record a mark or a finished period, by JSON or multipart with its files (``contribute``)."""
        multipart = request.content_type.startswith("multipart/")
        data = _validated(EventCreateInput, _multipart_event(request) if multipart else request.data)
        result = services.event_create(
            access=token_access(request),
            channel_id=channel_id,
            data=_event_input(data),
            files=_files(request) if multipart else (),
        )
        return Response(_result(result), status=status.HTTP_201_CREATED)


class EventStartApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_start",
        request=EventStartInput,
        responses=_write_responses(201, EventResultOutput, "MISSING_FOLDER, " + WRITE_EVENT_ERRORS),
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Start a running period in ``folderId``, stopping the running one (returned as ``stoppedId``)."""
        data = _validated(EventStartInput, request.data)
        result = services.event_start(access=token_access(request), channel_id=channel_id, data=_event_input(data))
        return Response(_result(result), status=status.HTTP_201_CREATED)


class EventStopApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_stop",
        request=EventStopInput,
        responses=_write_responses(
            200, StoppedOutput, "UNKNOWN_EVENT, INVALID_OPERATION, MISSING_PARAMETER or " + BAD_INPUT
        ),
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Stop the period ``id``, or the running one, at ``time`` (default now); ``stoppedId`` may be null."""
        data = _validated(EventStopInput, request.data)
        stopped = services.event_stop(
            access=token_access(request), channel_id=channel_id, event_id=data.get("id"), at=data.get("time")
        )
        return Response({"stoppedId": stopped})


class EventRunningApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS, operation_id="pryv_events_running", responses={200: EventOutput(many=True), **CHANNEL_ERRORS}
    )
    def get(self, request: Request, channel_id: str) -> Response:
        """The running periods the token can read, newest first."""
        scope = selectors.channel_scope(access=token_access(request), channel_id=channel_id)
        events = selectors.events_running(scope=scope)
        return _events_response(events, channel_id)


class EventBatchApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_batch",
        request=BatchInput,
        responses={
            200: OpenApiResponse(BATCH_RESULT, description="an object keyed by each event's tempRefId"),
            400: _error("the first failing event's error, with data.tempRefId and data.index; " + BAD_INPUT),
            403: FORBIDDEN,
            413: TOO_LARGE,
            **CHANNEL_ERRORS,
        },
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Record events taken offline, all or nothing; body: an array or ``{"events": [...]}``."""
        body = {"events": request.data} if isinstance(request.data, list) else request.data
        data = _validated(BatchInput, body)
        items = [BatchItem(temp_ref_id=item.pop("temp_ref_id"), data=_event_input(item)) for item in data["events"]]
        results = services.events_batch(access=token_access(request), channel_id=channel_id, items=items)
        return Response({ref: _result(result) for ref, result in results.items()})


ATTACHMENTS_UPLOAD = inline_serializer(
    name="PryvAttachments", fields={"file": serializers.FileField(help_text="any number of file parts")}
)
EVENT_ERRORS = {**CHANNEL_ERRORS, 404: _error("UNKNOWN_CHANNEL or UNKNOWN_EVENT")}


class EventDetailApi(UploadAPIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_update",
        request=EventUpdateInput,
        responses=_write_responses(200, StoppedOutput, WRITE_EVENT_ERRORS, EVENT_ERRORS),
    )
    def put(self, request: Request, channel_id: str, event_id: str) -> Response:
        """Change an event (``contribute``); a period change re-runs the period rules."""
        data = _validated(EventUpdateInput, request.data)
        result = services.event_update(
            access=token_access(request), channel_id=channel_id, event_id=event_id, data=_event_input(data)
        )
        return Response({"stoppedId": result.stopped_id} if result.stopped_id else {})

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_attach",
        request={
            "multipart/form-data": inline_serializer(name="PryvAttachments", fields={"file": serializers.FileField()})
        },
        responses=_write_responses(200, EmptyOutput, BAD_INPUT, EVENT_ERRORS),
    )
    def post(self, request: Request, channel_id: str, event_id: str) -> Response:
        """Attach files (every part a file, its key the field name); same key or name replaces."""
        if not request.content_type.startswith("multipart/") or list(request.POST.keys()):
            raise ParseError("Send files only, as multipart/form-data.")
        services.attachments_add(
            access=token_access(request), channel_id=channel_id, event_id=event_id, files=_files(request)
        )
        return Response({})

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_events_delete",
        responses={200: EmptyOutput, 403: FORBIDDEN, **EVENT_ERRORS},
    )
    def delete(self, request: Request, channel_id: str, event_id: str) -> Response:
        """Trash the event, or delete it for good with its files when it is trashed already."""
        services.event_delete(access=token_access(request), channel_id=channel_id, event_id=event_id)
        return Response({})


ATTACHMENT_ERRORS = {**CHANNEL_ERRORS, 404: _error("UNKNOWN_CHANNEL, UNKNOWN_EVENT or UNKNOWN_ATTACHMENT")}


class AttachmentApi(ChannelsAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_attachments_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
            **ATTACHMENT_ERRORS,
        },
    )
    def get(self, request: Request, channel_id: str, event_id: str, file_name: str) -> FileResponse:
        """The file, streamed; inline only for PNG, JPEG, GIF, WebP and PDF, else a download."""
        scope = selectors.channel_scope(access=token_access(request), channel_id=channel_id)
        attachment = selectors.attachment_get(scope=scope, event_id=event_id, file_name=file_name)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise UnknownAttachment(f"Unknown attachment '{file_name}'.") from exc
        response = FileResponse(
            handle,
            as_attachment=attachment.content_type not in INLINE_TYPES,
            filename=attachment.file_name,
            content_type=attachment.content_type,
        )
        response["Content-Length"] = str(attachment.size)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_attachments_delete",
        responses={
            200: EmptyOutput,
            403: FORBIDDEN,
            **ATTACHMENT_ERRORS,
        },
    )
    def delete(self, request: Request, channel_id: str, event_id: str, file_name: str) -> Response:
        """Delete the attached file for good (``contribute``)."""
        services.attachment_delete(
            access=token_access(request), channel_id=channel_id, event_id=event_id, file_name=file_name
        )
        return Response({})


PRYV_APPS = frozenset({"accounts-api", "channels-api"})


def _foreign_segments() -> frozenset[str]:
    """First path segments routed by the other families (WOPI, OCS, Aggiefeed, the admin, the web pages)."""
    pryv: set[str] = set()
    foreign: set[str] = set()
    for pattern in get_resolver().url_patterns:
        mine = isinstance(pattern, URLResolver) and pattern.app_name in PRYV_APPS
        (pryv if mine else foreign).update(selectors.route_segments([pattern]))
    return frozenset(foreign - pryv)


def unknown_resource(request: HttpRequest, path: str = "") -> HttpResponse:
    """Paths nothing routes: ``404 UNKNOWN_RESOURCE`` in the Pryv format, whatever the method.

    Under another family's prefix (``/wopi/``, ``/ocs/``, ``/api/``, ``/admin``...) the answer stays
    Django's own 404, with its trailing-slash redirect, so that family's clients see what they expect.
    """
    if path.split("/", 1)[0] in _foreign_segments():
        with_slash = request.path_info + "/"
        if settings.APPEND_SLASH and not path.endswith("/") and resolve(with_slash).func is not unknown_resource:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        raise Http404(path)
    return JsonResponse(
        pryv_body("UNKNOWN_RESOURCE", "No resource is served at this path."), status=status.HTTP_404_NOT_FOUND
    )
