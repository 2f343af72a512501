"""Reads of the WOPI host: which file a token's user may reach, and a file's activities page by page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.models import User
from activities.columns import json_column, moment_column
from activities.models import Activity
from wopi.errors import InvalidWopiRequest, UnknownFile
from wopi.models import WopiFile, WopiShare, WopiUserInfo

WOPI_SOURCE = "wopi"
WOPI_ACTIVITY_TYPES = ("comment", "mention")
GET_ACTIVITIES_MAX = 100
HOST_NAME = "ActivityHub"
PERSON_PROVIDER = f"wopi-{HOST_NAME}"
_M = TypeVar("_M", bound=models.Model)
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
    """One GetActivities page: the WOPI Activity objects, ready to render, and where the next page starts."""

    activities: list[dict[str, Any]]
    more: bool
    skip_token: str


def user_id_of(user_pk: int | None) -> str:
    """The WOPI ``UserId``/``OwnerId`` of a user: the primary key, stable over renames, free of forbidden characters."""
    return "" if user_pk is None else str(user_pk)


def file_access(*, user: User, file_id: str) -> FileAccess:
    """The file ``file_id`` if ``user`` owns it or it is shared with them (one query); else UnknownFile.

    A missing file and someone else's file are the same 404, so existence does not leak. Every WOPI request
    reads it, so it is one hand-written statement (the file's columns and the user's share of it) rather than
    an ORM query compiled anew each time.
    """
    try:
        pk = uuid.UUID(file_id)
    except ValueError as exc:
        raise UnknownFile() from exc
    connection = connections[router.db_for_read(WopiFile)]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT f.*, (SELECT s.can_write FROM {quote(WopiShare._meta.db_table)} s "  # noqa: S608 - tables from _meta  # nosec B608
        f"WHERE s.file_id = f.id AND s.user_id = %s) AS share_write FROM {quote(WopiFile._meta.db_table)} f "
        "WHERE f.id = %s"
    )
    prepared_pk = WopiFile._meta.pk.get_db_prep_value(pk, connection) if WopiFile._meta.pk else pk
    found = next(iter(WopiFile.objects.raw(sql, [user.pk, prepared_pk])), None)
    if found is None:
        raise UnknownFile()
    share_write: bool | None = getattr(found, "share_write", None)
    if found.owner_id != user.pk and share_write is None:
        raise UnknownFile()
    return FileAccess(file=found, user=user, can_write=found.owner_id == user.pk or bool(share_write))


@dataclass(frozen=True)
class TokenReach:
    """What one statement says of a token: its active user, and its file as that user reaches it (``access``
    None when the file is missing or not theirs: a 404 once the other checks have passed)."""

    user: User
    file_id: str
    access: FileAccess | None


def token_reach(*, user_id: int, file_id: str) -> TokenReach | None:
    """The active user ``user_id`` and the file ``file_id`` with that user's share of it, in one statement;
    None when the user is missing or inactive (401). The same rules as ``file_access``.

    Every WOPI request needs both, in this order, and a database round trip costs more than the rest of a
    GetActivities: the user's row is joined to the file's (LEFT: a missing file still says the user is fine).
    """
    try:
        pk: uuid.UUID | None = uuid.UUID(file_id)
    except ValueError:
        pk = None  # matches no file: a 404 after the token's other checks
    connection = connections[router.db_for_read(WopiFile)]
    quote = connection.ops.quote_name
    user_columns = ", ".join(f"u.{quote(_column(field))}" for field in User._meta.concrete_fields)
    file_columns = ", ".join(f"f.{quote(_column(field))}" for field in WopiFile._meta.concrete_fields)
    sql = (
        f"SELECT {user_columns}, {file_columns}, (SELECT s.can_write FROM {quote(WopiShare._meta.db_table)} s "  # noqa: S608 - names from _meta  # nosec B608
        f"WHERE s.file_id = f.id AND s.user_id = u.id) FROM {quote(User._meta.db_table)} u "
        f"LEFT JOIN {quote(WopiFile._meta.db_table)} f ON f.id = %s WHERE u.id = %s AND u.is_active = %s"
    )
    prepared_pk = WopiFile._meta.pk.get_db_prep_value(pk, connection) if WopiFile._meta.pk and pk else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [prepared_pk, user_id, True])
        row = cursor.fetchone()
    if row is None:
        return None
    user_width = len(User._meta.concrete_fields)
    user = _instance(User, connection, row[:user_width])
    if row[user_width] is None:  # no such file
        return TokenReach(user=user, file_id=file_id, access=None)
    found = _instance(WopiFile, connection, row[user_width:-1])
    share_write = row[-1]
    if found.owner_id != user.pk and share_write is None:
        return TokenReach(user=user, file_id=file_id, access=None)
    can_write = found.owner_id == user.pk or bool(share_write)
    return TokenReach(user=user, file_id=file_id, access=FileAccess(file=found, user=user, can_write=can_write))


def _column(field: models.Field[Any, Any]) -> str:
    return str(field.column)


def _instance(model: type[_M], connection: BaseDatabaseWrapper, values: tuple[Any, ...]) -> _M:
    """A model instance from its concrete columns as a plain cursor read them, converted as the ORM converts
    them (SQLite's text timestamps and 0/1 booleans, UUIDs, JSON)."""
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


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


# The columns of a GetActivities page: the id (the keyset position), then ``activity_as_wopi``'s arguments.
_PAGE_SQL = (
    "SELECT id, type, external_id, actor_id, actor_name, payload, created FROM {table} "
    "WHERE source = %s AND object_type = %s AND object_id = %s AND type IN ({types}){before} "
    "ORDER BY id DESC LIMIT %s"
)


def activities_page(
    *, access: FileAccess, top: int, skip_token: str | None, type_filter: list[str] | None
) -> ActivitiesPage:
    """One page of the file's WOPI activities, newest first, by keyset on the ``activities_by_object`` index.

    At most ``min(top, GET_ACTIVITIES_MAX)`` activities; ``more`` says whether older matching ones exist and
    ``skip_token`` (signed, bound to this file, valid 24 hours) continues after the last one. A TypeFilter
    keeps only the named types; names the host does not know match nothing (and then no query is run). One
    hand-written query whatever the page size, reading only the columns of the answer as plain rows: this is
    the family's hot read, and compiling an ORM query and building model instances cost more than the rest.
    """
    file_id = str(access.file.pk)
    limit = max(0, min(top, GET_ACTIVITIES_MAX))
    types = [name for name in WOPI_ACTIVITY_TYPES if not type_filter or name in type_filter]
    before = skip_token_read(file_id=file_id, skip_token=skip_token) if skip_token is not None else None
    fetched = _page_rows(file_id=file_id, types=types, before=before, limit=limit + 1) if types else []
    page = [activity_as_wopi(*row[1:]) for row in fetched[:limit]]
    if len(fetched) <= limit:
        # the empty string is "no SkipToken" (the last page), not a password
        return ActivitiesPage(activities=page, more=False, skip_token="")  # nosec B106
    position: int = fetched[limit - 1][0] if limit else (fetched[0][0] + 1)
    return ActivitiesPage(activities=page, more=True, skip_token=skip_token_make(file_id=file_id, before_id=position))


def _page_rows(*, file_id: str, types: list[str], before: int | None, limit: int) -> list[tuple[Any, ...]]:
    """``(id, type, external_id, actor_id, actor_name, payload, created)`` of the file's newest activities of
    ``types`` older than ``before``, on the database the router picks for reads; payload and created decoded
    the same way on both backends."""
    connection = connections[router.db_for_read(Activity)]
    sql = _PAGE_SQL.format(
        table=connection.ops.quote_name(Activity._meta.db_table),
        types=", ".join(["%s"] * len(types)),
        before="" if before is None else " AND id < %s",
    )
    params: list[Any] = [WOPI_SOURCE, "file", file_id, *types, *([] if before is None else [before]), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(*row[:5], json_column(row[5]), moment_column(row[6])) for row in rows]


def wopi_timestamp(moment: datetime) -> str:
    """ISO 8601 round-trip form in UTC with seven fractional digits, as WOPI clients write it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def activity_as_wopi(
    type_: str, external_id: str, actor_id: int | None, actor_name: str, payload: Any, created: datetime
) -> dict[str, Any]:
    """The WOPI Activity object of a stored activity: its payload (the activity as received), the host's
    timestamp, and the Creator person appended to its People."""
    if not isinstance(payload, dict):
        payload = {}
    people = [dict(person) for person in payload.get("People", ()) if isinstance(person, dict)]
    people.append({"Name": actor_name, "Id": user_id_of(actor_id), "Provider": PERSON_PROVIDER, "Creator": True})
    body: dict[str, Any] = {
        "Type": type_,
        "Id": payload.get("Id", external_id),
        "Timestamp": wopi_timestamp(created),
    }
    if "Data" in payload:
        body["Data"] = payload["Data"]
    body["People"] = people
    return body
