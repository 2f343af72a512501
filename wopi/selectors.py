"""Reads of the WOPI host: which file a token's user may reach, and a file's activities page by page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import OuterRef, Subquery

from accounts.models import User
from activities.models import Activity
from activities.selectors import object_activities
from wopi.errors import InvalidWopiRequest, UnknownFile
from wopi.models import WopiFile, WopiShare, WopiUserInfo

WOPI_SOURCE = "wopi"
WOPI_ACTIVITY_TYPES = ("comment", "mention")
GET_ACTIVITIES_MAX = 100
HOST_NAME = "ActivityHub"
PERSON_PROVIDER = f"wopi-{HOST_NAME}"
_SKIP_TOKEN_SALT = "wopi.skip-token"  # noqa: S105 - a signing salt, not a secret  # nosec B105
SKIP_TOKEN_MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class FileAccess:
    """A file as one user reaches it: the owner and users it is shared with for writing may change it."""

    file: WopiFile
    user: User
    can_write: bool


@dataclass(frozen=True)
class ActivitiesPage:
    activities: list[Activity]
    more: bool
    skip_token: str


def user_id_of(user_pk: int | None) -> str:
    """The WOPI ``UserId``/``OwnerId`` of a user: the primary key, stable over renames, free of forbidden characters."""
    return "" if user_pk is None else str(user_pk)


def file_access(*, user: User, file_id: str) -> FileAccess:
    """The file ``file_id`` if ``user`` owns it or it is shared with them (one query); else UnknownFile.

    A missing file and someone else's file are the same 404, so existence does not leak.
    """
    try:
        pk = uuid.UUID(file_id)
    except ValueError as exc:
        raise UnknownFile() from exc
    share = WopiShare.objects.filter(file=OuterRef("pk"), user=user).values("can_write")[:1]
    found = WopiFile.objects.select_related("owner").annotate(share_write=Subquery(share)).filter(pk=pk).first()
    if found is None:
        raise UnknownFile()
    share_write: bool | None = getattr(found, "share_write", None)
    if found.owner_id != user.pk and share_write is None:
        raise UnknownFile()
    return FileAccess(file=found, user=user, can_write=found.owner_id == user.pk or bool(share_write))


def user_info_get(*, user: User) -> str | None:
    """The UserInfo string a WOPI client stored for ``user``, or None before the first PutUserInfo."""
    return WopiUserInfo.objects.filter(user=user).values_list("info", flat=True).first()


def skip_token_make(*, file_id: str, before_id: int) -> str:
    return signing.dumps({"f": file_id, "b": before_id}, salt=_SKIP_TOKEN_SALT, compress=False)


def skip_token_read(*, file_id: str, skip_token: str) -> int:
    """The keyset position a SkipToken of this file carries; unknown, tampered, foreign or expired → 400."""
    try:
        payload = signing.loads(skip_token, salt=_SKIP_TOKEN_SALT, max_age=SKIP_TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:
        raise InvalidWopiRequest("Unknown or expired SkipToken.") from exc
    if not isinstance(payload, dict) or payload.get("f") != file_id or not isinstance(payload.get("b"), int):
        raise InvalidWopiRequest("Unknown or expired SkipToken.")
    before: int = payload["b"]
    return before


def activities_page(
    *, access: FileAccess, top: int, skip_token: str | None, type_filter: list[str] | None
) -> ActivitiesPage:
    """One page of the file's WOPI activities, newest first, by keyset on the ``activities_by_object`` index.

    At most ``min(top, GET_ACTIVITIES_MAX)`` activities; ``more`` says whether older matching ones exist and
    ``skip_token`` (signed, bound to this file, valid 24 hours) continues after the last one. A TypeFilter
    keeps only the named types; names the host does not know match nothing. One query whatever the page size.
    """
    file_id = str(access.file.pk)
    limit = max(0, min(top, GET_ACTIVITIES_MAX))
    rows = object_activities(source=WOPI_SOURCE, object_type="file", object_id=file_id).filter(
        type__in=WOPI_ACTIVITY_TYPES
    )
    if type_filter:
        rows = rows.filter(type__in=[name for name in type_filter if name in WOPI_ACTIVITY_TYPES])
    if skip_token is not None:
        rows = rows.filter(pk__lt=skip_token_read(file_id=file_id, skip_token=skip_token))
    fetched = list(rows[: limit + 1])
    page, more = fetched[:limit], len(fetched) > limit
    if not more:
        # the empty string is "no SkipToken" (the last page), not a password
        return ActivitiesPage(activities=page, more=False, skip_token="")  # nosec B106
    position = page[-1].pk if page else (fetched[0].pk + 1)
    return ActivitiesPage(activities=page, more=True, skip_token=skip_token_make(file_id=file_id, before_id=position))


def wopi_timestamp(moment: datetime) -> str:
    """ISO 8601 round-trip form in UTC with seven fractional digits, as WOPI clients write it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def activity_as_wopi(activity: Activity) -> dict[str, Any]:
    """The WOPI Activity object of a stored activity: its payload, the host's timestamp, the Creator person."""
    payload = activity.payload if isinstance(activity.payload, dict) else {}
    people = [dict(person) for person in payload.get("People", []) if isinstance(person, dict)]
    people.append(
        {
            "Name": activity.actor_name,
            "Id": user_id_of(activity.actor_id),
            "Provider": PERSON_PROVIDER,
            "Creator": True,
        }
    )
    body: dict[str, Any] = {
        "Type": activity.type,
        "Id": payload.get("Id", activity.external_id),
        "Timestamp": wopi_timestamp(activity.created),
    }
    if "Data" in payload:
        body["Data"] = payload["Data"]
    body["People"] = people
    return body
