"""Reads of the shared activity store: a user's stream page by keyset, its filters, and the personal feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from accounts.models import User
from accounts.secrets import secret_hash
from activities import registry
from activities.columns import json_column, moment_column
from activities.errors import ForeignSince, UnknownFilter
from activities.feed_tokens import feed_path, feed_secret
from activities.models import Activity, ActivityObject, FeedToken, StreamEntry

STREAM_LIMIT_MAX = 200
OBJECT_FILTER = "filter"


@dataclass(frozen=True)
class StreamFilter:
    """Which of a user's stream entries a page shows; every restriction is a column of a StreamEntry index.

    ``object_ref_id``: None means "any object"; 0 means "entries about no object"; -1 matches nothing (an
    object filter naming an unknown object).
    """

    id: str = "all"
    source: str | None = None
    by_self: bool | None = None
    object_ref_id: int | None = None


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One activity of a stream page, as read in the page's single query (columns in ``_PAGE_COLUMNS`` order)."""

    id: int
    source: str
    type: str
    actor_id: int | None
    actor_ref: str
    actor_name: str
    object_type: str
    object_native_id: str
    object_name: str
    object_ref_id: int | None
    subject: str
    subject_params: dict[str, dict[str, Any]]
    message: str
    message_params: dict[str, dict[str, Any]]
    link: str
    icon: str
    created: datetime


@dataclass(frozen=True)
class StreamPage:
    """A page of a stream and what the OCS headers need.

    ``first_known``: the reader's newest (desc) or oldest (asc) activity id, set only when the page started
    from no cursor or an unknown one. ``last_given``: the id of the last item (the next ``since``).
    ``has_more``: another page follows in this direction.
    """

    items: list[StreamItem]
    has_more: bool
    first_known: int | None
    last_given: int | None


def stream_entries(*, user_id: int, source: str | None = None) -> QuerySet[StreamEntry]:
    """The stream of one user, newest first; callers page it by keyset on ``activity_id``."""
    entries = StreamEntry.objects.filter(user_id=user_id)
    if source is not None:
        entries = entries.filter(source=source)
    return entries.order_by("-activity_id")


def stream_latest(*, user_id: int, limit: int = 20) -> list[Activity]:
    """The latest ``limit`` activities that reach a user, for the administration page (one query)."""
    ids = stream_entries(user_id=user_id).values("activity_id")[:limit]
    return list(Activity.objects.filter(pk__in=ids).order_by("-id"))


def stream_filter_get(*, filter_id: str, object_type: str = "", object_id: int = 0) -> StreamFilter:
    """Resolve an OCS filter id: ``all``, ``self``, ``by``, a registered source id, or the object filter.

    The object filter (``filter``) keeps the entries about the object ``object_type`` + ``object_id`` (the
    integer surrogate); without both it keeps entries about no object, and an unknown object matches nothing
    (contract §5.2). Anything else raises UnknownFilter. At most one query (the object filter's lookup).
    """
    if filter_id == "all":
        return StreamFilter()
    if filter_id == "self":
        return StreamFilter(id=filter_id, by_self=True)
    if filter_id == "by":
        return StreamFilter(id=filter_id, by_self=False)
    if filter_id == OBJECT_FILTER:
        if not object_type or not object_id:
            return StreamFilter(id=filter_id, object_ref_id=0)
        known = ActivityObject.objects.filter(pk=object_id, object_type=object_type).exists()
        return StreamFilter(id=filter_id, object_ref_id=object_id if known else -1)
    if registry.source_get(filter_id) is not None:
        return StreamFilter(id=filter_id, source=filter_id)
    raise UnknownFilter(filter=filter_id)


# The stream page's query, written out: it is the hottest read of the hub, and the ORM's compilation and
# per-row converters cost more than the query itself (bench.profile: 3.9 ms through values_list, 1.7 ms for
# the same SQL here, at 50 rows). Fixed fragments only; every value travels as a parameter.
_PAGE_COLUMNS = (
    "a.id, a.source, a.type, a.actor_id, a.actor_ref, a.actor_name, a.object_type, a.object_id, a.object_name, "
    "a.object_ref_id, a.subject, a.subject_params, a.message, a.message_params, a.link, a.icon, a.created"
)
_FIRST_ENTRY = "SELECT activity_id FROM activities_streamentry WHERE user_id = %s ORDER BY activity_id {order} LIMIT 1"
_SINCE_MINE = (
    "SELECT EXISTS (SELECT 1 FROM activities_streamentry WHERE user_id = %s AND activity_id = %s) "
    "FROM activities_activity WHERE id = %s"
)


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of one read of the store, on the database the router picks for reads (a replica when routed)."""
    with connections[router.db_for_read(Activity)].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _stream_item(row: tuple[Any, ...]) -> StreamItem:
    (id_, source, type_, actor_id, actor_ref, actor_name, object_type, object_id, object_name, object_ref_id) = row[:10]
    subject, subject_params, message, message_params, link, icon, created = row[10:17]
    return StreamItem(
        id=id_,
        source=source,
        type=type_,
        actor_id=actor_id,
        actor_ref=actor_ref,
        actor_name=actor_name,
        object_type=object_type,
        object_native_id=object_id,
        object_name=object_name,
        object_ref_id=object_ref_id,
        subject=subject,
        subject_params=json_column(subject_params),
        message=message,
        message_params=json_column(message_params),
        link=link,
        icon=icon,
        created=moment_column(created),
    )


def stream_page(
    *, user_id: int, stream_filter: StreamFilter, since: int = 0, limit: int = 50, ascending: bool = False
) -> StreamPage:
    """One page of a user's stream, read by keyset on a ``(user, …, activity)`` index: never OFFSET, no sort.

    ``since`` is the id of the last activity the reader holds: the page starts after it in the chosen
    direction. An id that does not exist is treated as no cursor (``first_known`` is then set); an id that
    exists but is not in this user's stream raises ForeignSince. ``limit`` is capped at 200; 0 or less gives
    an empty page. Items are in activity id order (ids grow with time; the contract's timestamp order
    differs only for activities recorded with a back-dated ``created``). One query from no cursor (two for a
    filtered page that comes back empty), two from a cursor.
    """
    order = "ASC" if ascending else "DESC"
    conditions = ["e.user_id = %s"]
    params: list[Any] = [user_id]
    cursor_given = False
    if since > 0:
        found = _rows(_SINCE_MINE, [user_id, since, since])
        if found and not found[0][0]:
            raise ForeignSince(since=since)
        if found:
            # The bound goes on both sides of the join: PostgreSQL does not carry a range across an equality,
            # and an unbounded side would make a merge join walk every newer row (cost growing with depth).
            bound = ">" if ascending else "<"
            conditions += [f"e.activity_id {bound} %s", f"a.id {bound} %s"]
            params += [since, since]
            cursor_given = True
    first_entry = _FIRST_ENTRY.format(order=order)
    first_known: int | None = None
    limit = min(limit, STREAM_LIMIT_MAX)
    if limit <= 0 or stream_filter.object_ref_id == -1:
        if not cursor_given:
            first_known = _first_known(first_entry, user_id)
        return StreamPage(items=[], has_more=False, first_known=first_known, last_given=None)
    if stream_filter.source is not None:
        conditions.append("e.source = %s")
        params.append(stream_filter.source)
    if stream_filter.by_self is not None:
        conditions.append("e.by_self = %s")
        params.append(stream_filter.by_self)
        if not stream_filter.by_self:
            # Nextcloud's "by" is ``user <> me`` in SQL: activities without an author are not "by others".
            conditions.append("a.actor_ref <> ''")
    if stream_filter.object_ref_id == 0:
        conditions.append("e.object_ref_id IS NULL")
    elif stream_filter.object_ref_id is not None:
        conditions.append("e.object_ref_id = %s")
        params.append(stream_filter.object_ref_id)
    unfiltered = len(conditions) == (3 if cursor_given else 1)
    columns = _PAGE_COLUMNS
    if not cursor_given and not unfiltered:
        # The reader's first activity in the whole stream rides along as one uncorrelated subquery.
        columns += f", ({first_entry})"
        params.insert(0, user_id)
    where = " AND ".join(conditions)
    sql = (
        f"SELECT {columns} FROM activities_activity a JOIN activities_streamentry e ON e.activity_id = a.id "  # noqa: S608  # nosec B608 - fixed fragments, values are parameters
        f"WHERE {where} ORDER BY a.id {order} LIMIT %s"
    )
    rows = _rows(sql, [*params, limit + 1])
    items = [_stream_item(row) for row in rows[:limit]]
    if not cursor_given:
        if unfiltered:
            # An unfiltered page from no cursor starts with the stream's first activity.
            first_known = items[0].id if items else None
        elif rows:
            first_known = rows[0][-1]
        else:
            first_known = _first_known(first_entry, user_id)
    return StreamPage(
        items=items,
        has_more=len(rows) > limit,
        first_known=first_known,
        last_given=items[-1].id if items else None,
    )


def _first_known(first_entry: str, user_id: int) -> int | None:
    found = _rows(first_entry, [user_id])
    return int(found[0][0]) if found else None


def feed_url(*, user: User) -> str | None:
    """The path of ``user``'s personal feed (``/feeds/<secret>``), or None when they have none.

    Also None when SECRET_KEY changed since the last reset: the stored hash no longer matches the secret
    derived from the nonce, so the user has to reset the feed to get a working URL.
    """
    token = FeedToken.objects.filter(user=user).only("nonce", "secret_hash").first()
    if token is None:
        return None
    secret = feed_secret(token.nonce)
    if not constant_time_compare(secret_hash(secret), token.secret_hash):
        return None
    return feed_path(secret)


def feed_user_by_secret(*, secret: str) -> User | None:
    """The active user whose feed URL carries ``secret``, or None (one indexed query)."""
    if not secret or len(secret) > 128:
        return None
    token = FeedToken.objects.filter(secret_hash=secret_hash(secret), user__is_active=True).select_related("user")
    found = token.first()
    return found.user if found is not None else None
