"""Reads of channels, folders, events and attachments, with the access checks of the contract §8.

Selectors treat what a caller may not see as unknown, so that ids cannot be probed.
"""

from __future__ import annotations

import json
import re
import time as _time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from channels.errors import (
    UnknownAttachment,
    UnknownChannel,
    UnknownEvent,
    UnknownFolder,
    UnknownReferencedFolder,
)
from channels.models import Attachment, Channel, Event, Folder
from channels.permissions import Access, ChannelGrant, Level

State = Literal["default", "trashed", "all"]
IDENTITY = re.compile(r"[a-zA-Z0-9._-]{1,100}")
ALWAYS_RESERVED = frozenset({"null", "*"})
EVENTS_DEFAULT_LIMIT = 20
EVENTS_MAX_LIMIT = 1000
_LITERAL_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")


def is_identity(value: str) -> bool:
    """Whether ``value`` can be an id at all (contract §2.2); anything else is unknown without a lookup."""
    return IDENTITY.fullmatch(value) is not None


def shown(value: str) -> str:
    """A client-sent id as error messages echo it: at most 100 characters."""
    return value[:100]


def route_segments(patterns: Iterable[URLPattern | URLResolver]) -> Iterator[str]:
    """The literal first path segments of URL patterns, looking through includes mounted at the root."""
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        if route == "" and isinstance(pattern, URLResolver):
            yield from route_segments(pattern.url_patterns)
            continue
        segment = route.split("/", 1)[0].rstrip("$")
        if _LITERAL_SEGMENT.match(segment):
            yield segment


def reserved_channel_ids() -> frozenset[str]:
    """Ids no channel may take: ``null``, ``*`` and every literal first path segment the project routes.

    Read from the URL configuration itself, so that a new top-level route can never be shadowed by a
    channel (channel ids live at the root of the URL space), plus the static and media prefixes, which
    middleware or the web server serve before any route.
    """
    prefixes = (settings.STATIC_URL or "", settings.MEDIA_URL or "")
    served = {prefix.strip("/").split("/", 1)[0] for prefix in prefixes if "://" not in prefix}
    return ALWAYS_RESERVED | frozenset(route_segments(get_resolver().url_patterns)) | (served - {""})


def channel_list(*, user: User, state: State = "default") -> QuerySet[Channel]:
    """All of a user's channels in ``state`` (``default``: not trashed), by name: the administration view."""
    channels = Channel.objects.filter(user=user)
    if state == "default":
        channels = channels.filter(trashed=False)
    elif state == "trashed":
        channels = channels.filter(trashed=True)
    return channels.order_by("name", "id")


def channel_get(*, user: User, ident: str) -> Channel:
    """One of the user's channels by id, whatever its state; another user's is unknown."""
    channel = Channel.objects.filter(user=user, ident=ident).first() if is_identity(ident) else None
    if channel is None:
        raise UnknownChannel(f"Unknown channel '{shown(ident)}'.")
    return channel


def channel_list_for_access(*, access: Access) -> list[Channel]:
    """The channels a token can reach (any grant), not trashed, by name (one query)."""
    channels = channel_list(user=access.user)
    if access.rows is not None and not any(row.channel_ref == "*" for row in access.rows):
        channels = channels.filter(ident__in={row.channel_ref for row in access.rows})
    return [channel for channel in channels if access.channel_grant(channel.ident).reaches]


@dataclass(slots=True)
class FolderNode:
    """A folder of a channel's tree as loaded once per request, with what the tree reads need."""

    pk: int
    ident: str
    name: str
    parent_pk: int | None
    hidden: bool
    trashed: bool
    client_data: dict[str, Any]
    children: list[FolderNode] = field(default_factory=list)


@dataclass
class ChannelScope:
    """One channel, the caller's grant in it and its folder tree (one query for the folders).

    Every check of a folder or event in the channel reads this: the level on a folder is the highest grant
    along its path from the root; a folder is in the trash when it or an ancestor is flagged.
    """

    channel: Channel
    grant: ChannelGrant
    nodes: dict[int, FolderNode]

    @classmethod
    def load(cls, channel: Channel, grant: ChannelGrant) -> ChannelScope:
        rows = Folder.objects.filter(channel=channel).values_list(
            "pk", "ident", "name", "parent_id", "hidden", "trashed", "client_data"
        )
        return cls.build(channel, grant, [FolderNode(*row) for row in rows])

    @classmethod
    def build(cls, channel: Channel, grant: ChannelGrant, folders: Iterable[FolderNode]) -> ChannelScope:
        """The scope of the channel's folders, each node's children sorted by name."""
        nodes = {node.pk: node for node in folders}
        for node in sorted(nodes.values(), key=lambda n: (n.name, n.ident)):
            if node.parent_pk is not None:
                nodes[node.parent_pk].children.append(node)
        return cls(channel=channel, grant=grant, nodes=nodes)

    def by_ident(self, ident: str) -> FolderNode | None:
        return next((node for node in self.nodes.values() if node.ident == ident), None)

    def path(self, pk: int) -> list[FolderNode]:
        """The folder and its ancestors, nearest first."""
        chain: list[FolderNode] = []
        current: int | None = pk
        while current is not None and len(chain) <= len(self.nodes):
            node = self.nodes[current]
            chain.append(node)
            current = node.parent_pk
        return chain

    def level(self, pk: int | None) -> Level:
        """The caller's level on a folder, or on folder-less events when ``pk`` is None."""
        if pk is None or not self.grant.folders:
            return self.grant.whole
        return self.grant.level_along(node.ident for node in self.path(pk))

    def in_trash(self, pk: int) -> bool:
        return any(node.trashed for node in self.path(pk))

    def trashed_pks(self) -> set[int]:
        """The folders in the trash (flagged, or under a flagged one), walking the tree once from the roots."""
        found: set[int] = set()
        stack = [(node, node.trashed) for node in self.nodes.values() if node.parent_pk is None]
        while stack:
            node, in_trash = stack.pop()
            if in_trash:
                found.add(node.pk)
            stack.extend((child, in_trash or child.trashed) for child in node.children)
        return found

    def subtree(self, pk: int) -> list[FolderNode]:
        """The folder and all its descendants."""
        found, stack = [], [self.nodes[pk]]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children)
        return found

    def readable_pks(self) -> set[int]:
        return {pk for pk in self.nodes if self.level(pk) >= Level.READ}

    def folder(self, ident: str, *, in_path: bool) -> FolderNode:
        """A folder the caller can read; unknown or unreadable raises (404 in the path, 400 elsewhere)."""
        node = self.by_ident(ident)
        if node is None or self.level(node.pk) < Level.READ:
            error = UnknownFolder if in_path else UnknownReferencedFolder
            raise error(f"Unknown folder '{shown(ident)}'.")
        return node


def channel_scope(*, access: Access, channel_id: str, lock: bool = False) -> ChannelScope:
    """The channel ``channel_id`` of the caller with its grant and tree; no grant at all means unknown.

    ``lock`` takes the channel row with SELECT ... FOR UPDATE (the caller must be in a transaction): every
    event write holds it so that the period rules are checked and applied atomically per channel.
    """
    if not is_identity(channel_id):
        raise UnknownChannel(f"Unknown channel '{shown(channel_id)}'.")
    grant = access.channel_grant(channel_id)
    if not grant.reaches:
        raise UnknownChannel(f"Unknown channel '{channel_id}'.")
    if not lock:
        return _read_scope(access=access, channel_id=channel_id, grant=grant)
    channel = Channel.objects.filter(user=access.user, ident=channel_id).select_for_update().first()
    if channel is None:
        raise UnknownChannel(f"Unknown channel '{channel_id}'.")
    return ChannelScope.load(channel, grant)


# The channel and its folders in one query (a channel without folders is one row of NULL folder columns).
_SCOPE_SQL = """
SELECT c.id, c.name, c.enforce_no_events_overlap, c.client_data, c.trashed,
       f.id, f.ident, f.name, f.parent_id, f.hidden, f.trashed, f.client_data
FROM "channels_channel" c LEFT JOIN "channels_folder" f ON f.channel_id = c.id
WHERE c.user_id = %s AND c.ident = %s
"""
_SCOPE_CHANNEL_FIELDS = ["id", "user_id", "ident", "name", "enforce_no_events_overlap", "client_data", "trashed"]


def _json(value: Any) -> Any:
    """A JSON column as read by a raw cursor (text on SQLite, and on PostgreSQL as Django sets psycopg up),
    decoded as ``JSONField.from_db_value`` does."""
    if not isinstance(value, str):
        return value
    if value == "{}":  # most clientData: no parsing
        return {}
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _read_scope(*, access: Access, channel_id: str, grant: ChannelGrant) -> ChannelScope:
    """The scope of a read: the channel row and its folder tree by one hand-written query.

    The Channel is built without ``trashed_at`` and ``created`` (deferred: read on first access), which no
    read needs; its ``user`` is the caller's owner, already loaded.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SCOPE_SQL, (access.user.pk, channel_id))
        rows = cursor.fetchall()
    if not rows:
        raise UnknownChannel(f"Unknown channel '{channel_id}'.")
    pk, name, strict, client_data, trashed = rows[0][:5]
    values = (pk, access.user.pk, channel_id, name, bool(strict), _json(client_data), bool(trashed))
    channel = Channel.from_db(connection.alias, _SCOPE_CHANNEL_FIELDS, values)
    channel.user = access.user
    folders = [
        FolderNode(row[5], row[6], row[7], row[8], bool(row[9]), bool(row[10]), _json(row[11]))
        for row in rows
        if row[5] is not None
    ]
    return ChannelScope.build(channel, grant, folders)


@dataclass(slots=True)
class FolderItem:
    """A folder as listed: its fields, the parent the caller may see, its listed children, its time count."""

    node: FolderNode
    parent_ident: str | None
    children: list[FolderItem]
    time_count: float | None


# Each folder's own periods (not its descendants'): a period counts from max(time, base) to min(end, now),
# a running one ends now; one that ended by ``base`` counts nothing and is left out early.
TIME_COUNT_SQL = """
SELECT folder_id, SUM(CASE WHEN span_end > span_start THEN span_end - span_start ELSE 0 END)
FROM (
    SELECT e.folder_id,
           CASE WHEN e.time > %(base)s THEN e.time ELSE %(base)s END AS span_start,
           CASE WHEN e.end_time IS NULL OR e.end_time > %(now)s THEN %(now)s ELSE e.end_time END AS span_end
    FROM channels_event e
    WHERE e.channel_id = %(channel)s AND e.is_period AND NOT e.trashed AND e.folder_id IS NOT NULL
      AND (e.end_time IS NULL OR e.end_time > %(base)s)
) spans
GROUP BY folder_id
"""


def folder_time_counts(*, scope: ChannelScope, base: float, now: float | None = None) -> dict[int, float]:
    """Each folder's summed period time from ``base`` to now, descendants included (contract §6).

    One SQL query sums each folder's own non-trashed periods, ``max(0, min(end, now) - max(time, base))``
    with a running period ending now; each sum is then added to the folder and all its ancestors from the
    tree the scope already holds (no recursive query).
    """
    params = {"channel": scope.channel.pk, "base": float(base), "now": float(now if now is not None else _time.time())}
    with connection.cursor() as cursor:
        cursor.execute(TIME_COUNT_SQL, params)
        own = cursor.fetchall()
    totals: dict[int, float] = {}
    for folder_pk, total in own:
        if folder_pk not in scope.nodes:
            continue
        for node in scope.path(folder_pk):
            totals[node.pk] = totals.get(node.pk, 0.0) + float(total or 0.0)
    return totals


def folder_tree(
    *,
    scope: ChannelScope,
    parent_id: str | None = None,
    parent_in_path: bool = False,
    include_hidden: bool = False,
    state: State = "default",
    time_count_base: float | None = None,
) -> list[FolderItem]:
    """The folder tree the caller may read, sorted by name, from the root or under ``parent_id``.

    Hidden folders and their subtrees are left out unless ``include_hidden``. ``state``: ``default`` keeps
    folders not in the trash, ``trashed`` the top-most flagged folders each with its whole subtree, ``all``
    everything. A folder whose parent is not listed shows at the top, with its ``parentId`` when the caller
    may read the parent (a trashed folder under a live one) and null when not (a token's partial view).
    At most one query whatever the size (the time counts, when asked): the scope holds the folders.
    """
    start: list[FolderNode]
    if parent_id is not None:
        parent = scope.folder(parent_id, in_path=parent_in_path)
        start = list(parent.children)
    else:
        start = [node for node in scope.nodes.values() if node.parent_pk is None]
        start.sort(key=lambda n: (n.name, n.ident))
    counts = folder_time_counts(scope=scope, base=time_count_base) if time_count_base is not None else None

    def build(node: FolderNode, parent_readable: bool, in_trash: bool, inside_trashed: bool) -> list[FolderItem]:
        if node.hidden and not include_hidden:
            return []
        in_trash = in_trash or node.trashed
        if state == "default" and in_trash:
            return []
        listed_by_state = state != "trashed" or inside_trashed or node.trashed
        readable = scope.level(node.pk) >= Level.READ
        visible = readable and listed_by_state
        children: list[FolderItem] = []
        hoisted = False  # a child not listed but some of its descendants: the order must be made again
        for child in node.children:
            built = build(child, readable, in_trash, inside_trashed or (state == "trashed" and node.trashed))
            hoisted = hoisted or (bool(built) and (len(built) > 1 or built[0].node is not child))
            children.extend(built)
        if hoisted:
            children.sort(key=_by_name)
        if not visible:
            return children
        parent_ident = scope.nodes[node.parent_pk].ident if parent_readable and node.parent_pk is not None else None
        time_count = counts.get(node.pk, 0.0) if counts is not None else None
        return [FolderItem(node=node, parent_ident=parent_ident, children=children, time_count=time_count)]

    items: list[FolderItem] = []
    for node in start:
        parent_readable = node.parent_pk is not None and scope.level(node.parent_pk) >= Level.READ
        ancestors_in_trash = node.parent_pk is not None and scope.in_trash(node.parent_pk)
        inside_trashed = state == "trashed" and ancestors_in_trash
        items.extend(build(node, parent_readable, ancestors_in_trash, inside_trashed))
    return sorted(items, key=_by_name)


def _by_name(item: FolderItem) -> tuple[str, str]:
    return (item.node.name, item.node.ident)


@dataclass(frozen=True)
class EventQuery:
    """The parameters of GET /{channel}/events (contract §4.3), already parsed."""

    only_folders: Sequence[str | None] | None = None
    from_time: float | None = None
    to_time: float | None = None
    state: State = "default"
    sort_ascending: bool = False
    skip: int = 0
    limit: int | None = None
    modified_since: float | None = None
    tags: Sequence[str] = ()


class AttachmentRow(NamedTuple):
    key: str
    file_name: str
    content_type: str
    size: int


class EventRow(NamedTuple):
    """An event as the list reads return it: its output fields, the folder as its id, the attachments."""

    ident: str
    time: float
    duration: float | None
    is_period: bool
    type_class: str
    type_format: str
    value: Any
    folder_ident: str | None
    tags: list[str]
    description: str
    client_data: dict[str, Any]
    trashed: bool
    modified: float
    attachments: list[AttachmentRow]

    @classmethod
    def of(cls, event: Event) -> EventRow:
        """The row of an Event instance (its folder and attachments are read if not loaded)."""
        attachments = [AttachmentRow(a.key, a.file_name, a.content_type, a.size) for a in event.attachments.all()]
        folder_ident = event.folder.ident if event.folder is not None else None
        return cls(
            event.ident, event.time, event.duration, event.is_period, event.type_class, event.type_format,
            event.value, folder_ident, event.tags, event.description, event.client_data, event.trashed,
            event.modified, attachments,
        )  # fmt: skip


class _Where:
    """The WHERE clause of a hand-written events query: conditions on ``e`` (channels_event) and their
    parameters, in order."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, *params: Any) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.conditions)


def _in(column: str, pks: Iterable[int]) -> tuple[str, list[int]]:
    """``column IN (...)``, or a condition that is never true for no pks (as the ORM's empty ``__in``)."""
    values = sorted(pks)
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _tag_condition(tag: str) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        return "e.tags @> jsonb_build_array(%s::text)", [tag]
    return "EXISTS (SELECT 1 FROM json_each(e.tags) WHERE json_each.value = %s)", [tag]


def _visible_events(scope: ChannelScope) -> _Where:
    """The events of the channel the caller can read: all with a whole-channel grant, else those of the
    folders it can read."""
    where = _Where()
    where.add("e.channel_id = %s", scope.channel.pk)
    if scope.grant.whole < Level.READ:
        condition, params = _in("e.folder_id", scope.readable_pks())
        where.add(condition, *params)
    return where


def _trash_condition(scope: ChannelScope, state: State) -> tuple[str, list[Any]] | None:
    """``state`` as a condition: ``default`` excludes trashed events and those of folders in the trash,
    ``trashed`` keeps only them, ``all`` does not filter."""
    if state == "all":
        return None
    folders, params = _in("e.folder_id", scope.trashed_pks())
    in_trash = f"(e.trashed OR (e.folder_id IS NOT NULL AND {folders}))"
    return (f"NOT {in_trash}" if state == "default" else in_trash), params


_EVENT_COLUMNS = (
    "e.id, e.ident, e.time, e.duration, e.is_period, e.type_class, e.type_format, e.value, e.folder_id, "
    "e.tags, e.description, e.client_data, e.trashed, e.modified"
)
_PAGE_COLUMNS = _EVENT_COLUMNS.replace("e.", "p.")


def _event_rows(scope: ChannelScope, where: _Where, *, ascending: bool, skip: int, limit: int | None) -> list[EventRow]:
    """The events matching ``where``, by time then id, a page of them, with their attachments (by key).

    One hand-written query: the page of events (on the ``(channel, time)`` index) joined to their
    attachments, so that a page costs one round trip whatever its size. Rows are built directly, without
    model instances.
    """
    direction = "ASC" if ascending else "DESC"
    params = list(where.params)
    page = ""
    if limit is not None:
        page = " LIMIT %s OFFSET %s"
        params += [limit, skip]
    sql = (
        f"SELECT {_PAGE_COLUMNS}, a.key, a.file_name, a.content_type, a.size "  # noqa: S608  # nosec B608 - fixed fragments, values are parameters
        f'FROM (SELECT {_EVENT_COLUMNS} FROM "channels_event" e WHERE {where.sql()} '
        f"ORDER BY e.time {direction}, e.ident {direction}{page}) p "
        'LEFT JOIN "channels_attachment" a ON a.event_id = p.id '
        f"ORDER BY p.time {direction}, p.ident {direction}, a.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    idents = {pk: node.ident for pk, node in scope.nodes.items()}
    events: list[EventRow] = []
    last_pk = None
    for row in rows:
        if row[0] != last_pk:
            last_pk = row[0]
            folder_pk = row[8]
            events.append(
                EventRow(
                    ident=row[1],
                    time=row[2],
                    duration=row[3],
                    is_period=bool(row[4]),
                    type_class=row[5],
                    type_format=row[6],
                    value=_json(row[7]),
                    folder_ident=idents[folder_pk] if folder_pk is not None else None,
                    tags=_json(row[9]),
                    description=row[10],
                    client_data=_json(row[11]),
                    trashed=bool(row[12]),
                    modified=row[13],
                    attachments=[],
                )
            )
        if row[14] is not None:
            events[-1].attachments.append(AttachmentRow(row[14], row[15], row[16], row[17]))
    return events


def events_query(*, scope: ChannelScope, query: EventQuery, now: float | None = None) -> list[EventRow]:
    """The events of GET /{channel}/events: one query (attachments included) whatever their number.

    Time window (contract §4.3): only ``toTime`` means ``fromTime = toTime - 86400``, only ``fromTime``
    means ``toTime = now``; an event is inside when ``time <= toTime`` and it starts at or after
    ``fromTime`` or is a period still going at ``fromTime``. ``onlyFolders`` takes descendants too; a
    folder the caller cannot read is unknown (400, ``data.unknownIds``). ``limit`` defaults to 20 only
    without a time range; at most ``EVENTS_MAX_LIMIT`` events are returned in any case. Reads by the
    ``(channel, time)`` index.
    """
    where = _visible_events(scope)
    if query.only_folders is not None:
        unknown: list[str] = []
        folder_pks: set[int] = set()
        include_folderless = False
        for ident in query.only_folders:
            if ident is None:
                include_folderless = scope.grant.whole >= Level.READ
                continue
            node = scope.by_ident(ident)
            if node is None or scope.level(node.pk) < Level.READ:
                unknown.append(ident)
                continue
            folder_pks.update(n.pk for n in scope.subtree(node.pk) if scope.level(n.pk) >= Level.READ)
        if unknown:
            raise UnknownReferencedFolder("Unknown folders in 'onlyFolders'.", unknownIds=unknown)
        folders, params = _in("e.folder_id", folder_pks)
        where.add(f"({folders} OR e.folder_id IS NULL)" if include_folderless else folders, *params)
    from_time, to_time = query.from_time, query.to_time
    if to_time is not None and from_time is None:
        from_time = to_time - 86400
    if from_time is not None and to_time is None:
        to_time = now if now is not None else _time.time()
    if from_time is not None and to_time is not None:
        where.add("e.time <= %s", to_time)
        where.add(
            "(e.time >= %s OR (e.is_period AND e.end_time IS NULL AND e.duration IS NULL) OR e.end_time >= %s)",
            from_time,
            from_time,
        )
    trash = _trash_condition(scope, query.state)
    if trash is not None:
        where.add(trash[0], *trash[1])
    if query.modified_since is not None:
        where.add("e.modified > %s", query.modified_since)
    for tag in query.tags:
        condition, params = _tag_condition(tag)
        where.add(condition, *params)
    limit = query.limit
    if limit is None:
        limit = EVENTS_DEFAULT_LIMIT if query.from_time is None and query.to_time is None else EVENTS_MAX_LIMIT
    limit = min(limit, EVENTS_MAX_LIMIT)
    return _event_rows(scope, where, ascending=query.sort_ascending, skip=query.skip, limit=limit)


def events_running(*, scope: ChannelScope) -> list[EventRow]:
    """Running, non-trashed periods the caller can read, newest first (one query, attachments included)."""
    where = _visible_events(scope)
    where.add("e.is_period AND e.duration IS NULL AND NOT e.trashed")
    return _event_rows(scope, where, ascending=False, skip=0, limit=None)


def event_get(*, scope: ChannelScope, event_id: str) -> Event:
    """An event of the channel the caller can read (404 otherwise); the attachments come prefetched."""
    events = Event.objects.filter(channel=scope.channel, ident=event_id)
    event = events.select_related("folder").prefetch_related("attachments").first() if is_identity(event_id) else None
    if event is None or scope.level(event.folder_id) < Level.READ:
        raise UnknownEvent(f"Unknown event '{shown(event_id)}'.")
    return event


def attachment_get(*, scope: ChannelScope, event_id: str, file_name: str) -> Attachment:
    """An attachment of a readable event, by its file name (404 ``UNKNOWN_ATTACHMENT`` otherwise)."""
    event = event_get(scope=scope, event_id=event_id)
    attachment = next((a for a in event.attachments.all() if a.file_name == file_name), None)
    if attachment is None:
        raise UnknownAttachment(f"Unknown attachment '{shown(file_name)}'.")
    return attachment
