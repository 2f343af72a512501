"""WOPI endpoints: CheckFileInfo, GetFile, and the ``X-WOPI-Override`` operations of ``POST /wopi/files/{id}``.

Views stay thin: the base view has already checked the proof, the token and its file, and the rate limit;
each handler reads the body, calls one selector or service and shapes the answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from wopi.api.base import WopiApiView, read_body, read_json_object
from wopi.api.serializers import (
    AddActivitiesInput,
    AddActivitiesOutput,
    CheckFileInfoOutput,
    GetActivitiesInput,
    GetActivitiesOutput,
    PutRelativeFileOutput,
    RenameFileOutput,
    get_activities_query,
)
from wopi.errors import (
    BodyTooLarge,
    FileLargerThanExpected,
    InvalidWopiRequest,
    UnsupportedOperation,
    UserInfoTooLong,
    WriteNotAllowed,
)
from wopi.models import WopiFile
from wopi.names import split_name, utf7_decode
from wopi.selectors import (
    HOST_NAME,
    WOPI_ACTIVITY_TYPES,
    FileAccess,
    activities_page,
    user_id_of,
    user_info_get,
    wopi_timestamp,
)
from wopi.services import (
    MAX_ACTIVITIES_PER_BATCH,
    MAX_USER_INFO_CHARS,
    RelativeTarget,
    activities_add,
    current_lock,
    file_delete,
    file_lock,
    file_lock_refresh,
    file_put,
    file_put_relative,
    file_rename,
    file_unlock,
    user_info_put,
)
from wopi.tokens import access_token_mint
from wopi.web import host_page_url

ADD_ACTIVITIES = "ADD_ACTIVITIES"
GET_ACTIVITIES = "GET_ACTIVITIES"
ACTIVITY_OVERRIDES = (ADD_ACTIVITIES, GET_ACTIVITIES)
FILE_OVERRIDES = (
    "LOCK",
    "GET_LOCK",
    "REFRESH_LOCK",
    "UNLOCK",
    "PUT_RELATIVE",
    "RENAME_FILE",
    "DELETE",
    "PUT_USER_INFO",
    *ACTIVITY_OVERRIDES,
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    meaning = {
        400: "Malformed request (bad JSON, wrong types, unknown SkipToken); empty body",
        401: "Missing, invalid or expired access token, or one issued for another file; empty body",
        404: "Unknown file, or one this user may not open; empty body",
        409: "Lock conflict; X-WOPI-Lock holds the current lock (empty when unlocked)",
        412: "The file is larger than X-WOPI-MaxExpectedSize",
        413: "Body too large",
        429: "Too many requests for this token; see Retry-After",
        500: "Proof-key check failed (X-WOPI-ServerError says why)",
        501: "Unsupported X-WOPI-Override",
    }
    return {code: OpenApiResponse(description=meaning[code]) for code in codes}


def _override_parameter(values: tuple[str, ...]) -> OpenApiParameter:
    return OpenApiParameter(
        "X-WOPI-Override", str, OpenApiParameter.HEADER, required=True, enum=list(values), description="operation"
    )


def _header_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.HEADER, required=False, description=description)


def _response_header(name: str, codes: list[int], description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.HEADER, response=codes, description=description)


_TTL_PARAMETER = OpenApiParameter(
    "access_token_ttl", int, OpenApiParameter.QUERY, required=False, description="sent by some clients; ignored"
)
_SERVER_ERROR_HEADER = _response_header(
    "X-WOPI-ServerError", [400, 401, 404, 409, 412, 413, 429, 500, 501], "why the request failed (for logs)"
)
_ITEM_VERSION_HEADER = _response_header(
    "X-WOPI-ItemVersion", [200], "the file's Version (GetFile, Lock, Unlock, PutFile; after PutFile's write)"
)
_LOCK_CONFLICT_HEADERS = [
    _response_header(
        "X-WOPI-Lock", [200, 409], "409: the current lock, empty when unlocked; GET_LOCK 200: the current lock"
    ),
    _response_header("X-WOPI-LockFailureReason", [409], "why the lock did not match (for logs)"),
]
_ACTIVITY_REQUEST = PolymorphicProxySerializer(
    component_name="WopiActivitiesRequest",
    serializers=[AddActivitiesInput, GetActivitiesInput],
    resource_type_field_name=None,
)
_ACTIVITY_RESPONSE = PolymorphicProxySerializer(
    component_name="WopiActivitiesResponse",
    serializers=[AddActivitiesOutput, GetActivitiesOutput],
    resource_type_field_name=None,
)
_FILE_OPERATION_RESPONSE = PolymorphicProxySerializer(
    component_name="WopiFileOperationResponse",
    serializers=[AddActivitiesOutput, GetActivitiesOutput, PutRelativeFileOutput, RenameFileOutput],
    resource_type_field_name=None,
)
_FILE_OPERATION_DESCRIPTION = "\n".join(
    [
        "One URL, one operation per `X-WOPI-Override` (contract §16.1); a 200 has no body unless said otherwise.",
        "Lock conflicts are 409 with `X-WOPI-Lock` = the current lock (empty when unlocked).",
        "",
        "| X-WOPI-Override | request headers | body | 200 answer |",
        "|---|---|---|---|",
        "| `LOCK` (Lock) | `X-WOPI-Lock` | none | `X-WOPI-ItemVersion` |",
        "| `LOCK` (UnlockAndRelock) | `X-WOPI-Lock`, `X-WOPI-OldLock` | none | empty |",
        "| `GET_LOCK` | none | none | `X-WOPI-Lock` = the lock, or empty |",
        "| `REFRESH_LOCK` | `X-WOPI-Lock` | none | empty |",
        "| `UNLOCK` | `X-WOPI-Lock` | none | `X-WOPI-ItemVersion` |",
        "| `PUT_RELATIVE` (PutRelativeFile) | `X-WOPI-SuggestedTarget` or `X-WOPI-RelativeTarget` (UTF-7), "
        "`X-WOPI-OverwriteRelativeTarget`, `X-WOPI-Size` | the new file's bytes | `PutRelativeFileOutput`; "
        "400 and 409 may carry `X-WOPI-ValidRelativeTarget` |",
        "| `RENAME_FILE` (RenameFile) | `X-WOPI-RequestedName` (UTF-7, no extension), `X-WOPI-Lock` | none | "
        "`RenameFileOutput`; 400 carries `X-WOPI-InvalidFileNameError` |",
        "| `DELETE` (DeleteFile) | none | none | empty |",
        "| `PUT_USER_INFO` | none | the UserInfo text (UTF-8, at most 1024 characters) | empty |",
        "| `ADD_ACTIVITIES` | none | `AddActivitiesInput` (JSON) | `AddActivitiesOutput` |",
        "| `GET_ACTIVITIES` | none | `GetActivitiesInput` (JSON) | `GetActivitiesOutput` |",
    ]
)


def check_file_info(request: Request, access: FileAccess) -> dict[str, Any]:
    """The CheckFileInfo body (contract §13, §14): only the operations this host serves are advertised."""
    file, user = access.file, access.user
    body: dict[str, Any] = {
        "BaseFileName": file.name,
        "OwnerId": user_id_of(file.owner_id),
        "UserId": user_id_of(user.pk),
        "Size": file.size,
        "Version": str(file.version),
        "UserFriendlyName": user.shown_name,
        "LastModifiedTime": wopi_timestamp(file.modified),
        "HostName": HOST_NAME,
        "UserCanWrite": access.can_write,
        "UserCanRename": access.can_write,
        "UserCanNotWriteRelative": False,
        "ReadOnly": not access.can_write,
        "SupportsUpdate": True,
        "SupportsLocks": True,
        "SupportsGetLock": True,
        "SupportsExtendedLockLength": True,
        "SupportsRename": True,
        "SupportsDeleteFile": True,
        "SupportsUserInfo": True,
        "SupportsAddActivities": True,
        "SupportsGetActivities": True,
        "SupportedActivityTypes": list(WOPI_ACTIVITY_TYPES),
    }
    info = user_info_get(user=user)
    if info is not None:
        body["UserInfo"] = info
    return body | _host_urls(request, file, can_write=access.can_write)


def _host_urls(request: Request, file: WopiFile, *, can_write: bool) -> dict[str, str]:
    """``HostViewUrl``, and ``HostEditUrl`` for a user who may write: the host pages of the file (§16.9)."""
    urls = {"HostViewUrl": host_page_url(request, str(file.pk), "view")}
    if can_write:
        urls["HostEditUrl"] = host_page_url(request, str(file.pk), "edit")
    return urls


class ActivitiesMixin:
    """AddActivities and GetActivities, served on ``/wopi/files/{id}`` and ``/wopi/files/{id}/activities``."""

    def activities_operation(self, override: str, access: FileAccess, request: Request) -> Response | None:
        """The answer of AddActivities or GetActivities when ``override`` names one of them, else None."""
        if override == ADD_ACTIVITIES:
            return self.add_activities(access, request)
        if override == GET_ACTIVITIES:
            return self.get_activities(access, request)
        return None

    def add_activities(self, access: FileAccess, request: Request) -> Response:
        document = read_json_object(request)
        activities = document.get("Activities")
        if not isinstance(activities, list):
            raise InvalidWopiRequest("Activities must be an array.")
        if len(activities) > MAX_ACTIVITIES_PER_BATCH:
            raise BodyTooLarge(f"At most {MAX_ACTIVITIES_PER_BATCH} activities per request.")
        answers = activities_add(access=access, activities=activities)
        return Response(AddActivitiesOutput({"ActivityResponses": answers}).data)

    def get_activities(self, access: FileAccess, request: Request) -> Response:
        query = get_activities_query(read_json_object(request))
        if query is None:
            raise InvalidWopiRequest("Top must be an integer; SkipToken a string; TypeFilter an array of strings.")
        page = activities_page(access=access, top=query.top, skip_token=query.skip_token, type_filter=query.type_filter)
        body: dict[str, Any] = {
            "Activities": page.activities,
            "MoreResultsExist": page.more,
            "ItemsExceedTop": page.more,
        }
        if page.skip_token:
            body["SkipToken"] = page.skip_token
        return Response(body)


def _override(request: Request) -> str:
    return str(request.META.get("HTTP_X_WOPI_OVERRIDE", "")).strip()


def _unsupported(override: str) -> UnsupportedOperation:
    return UnsupportedOperation(f"X-WOPI-Override {override[:40]!r} is not supported here.")


def _header(request: Request, name: str) -> str:
    return str(request.META.get("HTTP_" + name.upper().replace("-", "_"), ""))


def _utf7_header(value: str, what: str) -> str:
    try:
        return utf7_decode(value)
    except ValueError as exc:
        raise InvalidWopiRequest(f"{what} is not UTF-7 text.") from exc


def _max_expected_size(request: Request) -> int | None:
    """GetFile's X-WOPI-MaxExpectedSize in bytes; None when absent, or past 20 digits (more than any file, and no
    int() of thousands of digits); a value that is not ASCII digits is a 400."""
    limit = _header(request, "X-WOPI-MaxExpectedSize").strip()
    if not limit:
        return None
    if not (limit.isascii() and limit.isdigit()):
        raise InvalidWopiRequest("X-WOPI-MaxExpectedSize is not a number.")
    digits = limit.lstrip("0") or "0"
    return int(digits) if len(digits) <= 20 else None


def wopi_src(request: Request, file: WopiFile) -> str:
    """The file's WOPISrc: the absolute URL of its CheckFileInfo, as the client called this host."""
    return request.build_absolute_uri(reverse("wopi-api:file", kwargs={"file_id": str(file.pk)}))


def _versioned(file: WopiFile) -> Response:
    """An empty 200 carrying the file's version as X-WOPI-ItemVersion (contract §16.3)."""
    response = Response()
    response["X-WOPI-ItemVersion"] = str(file.version)
    return response


class FileApi(ActivitiesMixin, WopiApiView):
    @extend_schema(
        operation_id="wopi_check_file_info",
        summary="CheckFileInfo",
        parameters=[_TTL_PARAMETER, _SERVER_ERROR_HEADER],
        responses={200: CheckFileInfoOutput, **_errors(401, 404, 429, 500)},
    )
    def get(self, request: Request, file_id: str) -> Response:
        access = self.access(request, file_id)
        return Response(check_file_info(request, access))

    @extend_schema(
        operation_id="wopi_file_operation",
        summary="Lock, GetLock, RefreshLock, Unlock, UnlockAndRelock, PutRelativeFile, RenameFile, DeleteFile, "
        "PutUserInfo, AddActivities, GetActivities (X-WOPI-Override)",
        description=_FILE_OPERATION_DESCRIPTION,
        parameters=[
            _override_parameter(FILE_OVERRIDES),
            _TTL_PARAMETER,
            _header_parameter(
                "X-WOPI-Lock", "LOCK, REFRESH_LOCK, UNLOCK, RENAME_FILE: the lock id (1-1024 printable ASCII)"
            ),
            _header_parameter("X-WOPI-OldLock", "LOCK: the lock to replace (UnlockAndRelock)"),
            _header_parameter("X-WOPI-SuggestedTarget", "PUT_RELATIVE: a name or `.ext` the host may change (UTF-7)"),
            _header_parameter("X-WOPI-RelativeTarget", "PUT_RELATIVE: the exact name (UTF-7)"),
            _header_parameter("X-WOPI-OverwriteRelativeTarget", "PUT_RELATIVE: `true` to overwrite a taken name"),
            _header_parameter("X-WOPI-Size", "PUT_RELATIVE: the body's length"),
            _header_parameter("X-WOPI-RequestedName", "RENAME_FILE: the new name without extension (UTF-7)"),
            _ITEM_VERSION_HEADER,
            *_LOCK_CONFLICT_HEADERS,
            _response_header("X-WOPI-ValidRelativeTarget", [400, 409], "PUT_RELATIVE: a name that would work"),
            _response_header("X-WOPI-InvalidFileNameError", [400], "RENAME_FILE: why the name was refused"),
            _SERVER_ERROR_HEADER,
        ],
        request={
            "application/json": _ACTIVITY_REQUEST,
            "application/octet-stream": OpenApiTypes.BINARY,
            "text/plain": OpenApiTypes.STR,
        },
        responses={
            200: OpenApiResponse(
                _FILE_OPERATION_RESPONSE, description="Done; the body depends on X-WOPI-Override (see the table)"
            ),
            **_errors(400, 401, 404, 409, 413, 429, 500, 501),
        },
    )
    def post(self, request: Request, file_id: str) -> Response:
        override = _override(request)
        access = self.access(request, file_id)
        answer = self.activities_operation(override, access, request)
        if answer is not None:
            return answer
        lock_id = _header(request, "X-WOPI-Lock")
        if override == "LOCK":
            # UnlockAndRelock only with a non-empty X-WOPI-OldLock: empty means none, as X-WOPI-Lock does on rename.
            old = _header(request, "X-WOPI-OldLock")
            return _versioned(file_lock(access=access, lock_id=lock_id, old_lock_id=old or None))
        if override == "REFRESH_LOCK":
            file_lock_refresh(access=access, lock_id=lock_id)
            return Response()
        if override == "UNLOCK":
            return _versioned(file_unlock(access=access, lock_id=lock_id))
        if override == "GET_LOCK":
            if not access.can_write:
                raise WriteNotAllowed()
            response = Response()
            response["X-WOPI-Lock"] = current_lock(access.file)
            return response
        if override == "PUT_RELATIVE":
            return self.put_relative(access, request)
        if override == "RENAME_FILE":
            return self.rename(access, request)
        if override == "DELETE":
            file_delete(access=access)
            return Response()
        if override == "PUT_USER_INFO":
            try:
                raw = read_body(request, limit=4 * MAX_USER_INFO_CHARS)  # 1024 characters of up to 4 bytes
            except BodyTooLarge as exc:
                raise UserInfoTooLong() from exc
            try:
                info = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidWopiRequest("UserInfo is not UTF-8 text.") from exc
            user_info_put(user=access.user, info=info)
            return Response()
        raise _unsupported(override)

    def put_relative(self, access: FileAccess, request: Request) -> Response:
        """PutRelativeFile: exactly one of the UTF-7 target headers; the answer's Url carries a new token for the
        new file that expires when the calling token does."""
        suggested = request.META.get("HTTP_X_WOPI_SUGGESTEDTARGET")
        relative = request.META.get("HTTP_X_WOPI_RELATIVETARGET")
        if (suggested is None) == (relative is None):
            raise InvalidWopiRequest("Send exactly one of X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget.")
        name = _utf7_header(str(suggested if relative is None else relative), "the target")
        content = read_body(request, limit=settings.WOPI_MAX_FILE_BYTES)
        announced = _header(request, "X-WOPI-Size").strip()
        if announced and announced != str(len(content)):
            raise InvalidWopiRequest("X-WOPI-Size does not match the body.")
        target = RelativeTarget(
            name=name,
            specific=relative is not None,
            overwrite=_header(request, "X-WOPI-OverwriteRelativeTarget").strip().lower() == "true",
        )
        created = file_put_relative(access=access, content=content, target=target)
        grant = access_token_mint(
            user_id=access.user.pk, file_id=str(created.pk), expires_ms=self.grant(request).expires_ms
        )
        body = {
            "Name": created.name,
            "Url": f"{wopi_src(request, created)}?access_token={grant.token}",
            **_host_urls(request, created, can_write=True),
        }
        return Response(PutRelativeFileOutput(body).data)

    def rename(self, access: FileAccess, request: Request) -> Response:
        """RenameFile: the UTF-7 X-WOPI-RequestedName is the new stem; the answer names it without extension."""
        requested = request.META.get("HTTP_X_WOPI_REQUESTEDNAME")
        if requested is None:
            raise InvalidWopiRequest("X-WOPI-RequestedName is missing.")
        name = _utf7_header(str(requested), "X-WOPI-RequestedName")
        renamed = file_rename(access=access, requested_name=name, lock_id=_header(request, "X-WOPI-Lock"))
        return Response(RenameFileOutput({"Name": split_name(renamed.name)[0]}).data)


class FileActivitiesApi(ActivitiesMixin, WopiApiView):
    @extend_schema(
        operation_id="wopi_file_activities",
        summary="AddActivities or GetActivities (X-WOPI-Override)",
        parameters=[_override_parameter(ACTIVITY_OVERRIDES), _TTL_PARAMETER, _SERVER_ERROR_HEADER],
        request={"application/json": _ACTIVITY_REQUEST},
        responses={200: _ACTIVITY_RESPONSE, **_errors(400, 401, 404, 413, 429, 500, 501)},
    )
    def post(self, request: Request, file_id: str) -> Response:
        override = _override(request)
        answer = self.activities_operation(override, self.access(request, file_id), request)
        if answer is None:
            raise _unsupported(override)
        return answer


class FileContentsApi(WopiApiView):
    @extend_schema(
        operation_id="wopi_get_file",
        summary="GetFile",
        parameters=[
            _TTL_PARAMETER,
            OpenApiParameter("X-WOPI-MaxExpectedSize", int, OpenApiParameter.HEADER, required=False),
            _ITEM_VERSION_HEADER,
            _SERVER_ERROR_HEADER,
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **_errors(400, 401, 404, 412, 429, 500),
        },
    )
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        access = self.access(request, file_id)
        limit = _max_expected_size(request)
        try:
            content = access.file.content.open("rb")
        except FileNotFoundError:
            # A PutFile committed between the row read and this open, and removed those bytes: read the row again.
            access = self.access(request, file_id)
            content = access.file.content.open("rb")
        if limit is not None and access.file.size > limit:
            content.close()
            raise FileLargerThanExpected()
        response = FileResponse(content, content_type="application/octet-stream")
        response["X-WOPI-ItemVersion"] = str(access.file.version)
        return response

    @extend_schema(
        operation_id="wopi_put_file",
        summary="PutFile (X-WOPI-Override: PUT)",
        description="The body is the whole new content. A locked file needs its X-WOPI-Lock; an unlocked one "
        "is accepted only while it is empty. Answers X-WOPI-ItemVersion, the version after the write.",
        parameters=[
            _override_parameter(("PUT",)),
            _TTL_PARAMETER,
            _header_parameter("X-WOPI-Lock", "the current lock (none for an unlocked empty file)"),
            _header_parameter("X-WOPI-Editors", "UserIds of the contributors (ignored)"),
            _ITEM_VERSION_HEADER,
            *_LOCK_CONFLICT_HEADERS,
            _SERVER_ERROR_HEADER,
        ],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={200: OpenApiResponse(description="Stored"), **_errors(400, 401, 404, 409, 413, 429, 500, 501)},
    )
    def post(self, request: Request, file_id: str) -> Response:
        override = _override(request)
        access = self.access(request, file_id)
        if override != "PUT":
            raise _unsupported(override)
        if not access.can_write:
            raise WriteNotAllowed()
        content = read_body(request, limit=settings.WOPI_MAX_FILE_BYTES)
        return _versioned(file_put(access=access, content=content, lock_id=_header(request, "X-WOPI-Lock")))
