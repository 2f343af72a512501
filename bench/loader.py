"""Set-based loader of the project's bench database: INSERT ... SELECT over generate_series, in chunks.

Rows are what the project's services would have written: an activity as ``activity_record`` stores it
(object surrogate, groups, one StreamEntry per recipient: the actor with ``by_self``, the addressed user or
the members of the addressed group), users with app passwords (stored as SHA-256, as accounts does), Pryv
tokens, channels with folder trees and back-to-back finished periods (a strict channel's rules hold), a WOPI
file, and an Aggiefeed source whose posts go live at once.
"""

from __future__ import annotations

import time

from bench import dataset as ds
from bench.config import BenchConfig
from bench.db import Conn, Constraints, insert_select, say

CHUNK = 250_000
PRYV_USERS = 10
CHANNELS_PER_USER = 2
FOLDER_ROOTS, FOLDER_CHILDREN, FOLDER_GRANDCHILDREN = 5, 4, 3
PERIOD_SECONDS = 1800
EVENT_EPOCH = 1_600_000_000
WOPI_FILE_ID = "00000000-0000-4000-8000-00000000be7c"
AGGIEFEED_SOURCE = "00000000-0000-4000-8000-0000000a991e"
AGGIEFEED_KEY = "bench-aggiefeed-key-0123456789abcdef"


def pryv_token(user: int) -> str:
    return f"bench-pryv-token-{user}"


def channel_ident(user: int, k: int) -> str:
    return f"bench-ch-{user}-{k}"


def load(conn: Conn, config: BenchConfig) -> dict[str, float]:
    """Load the whole data set into a freshly migrated database; returns the seconds each part took."""
    data = ds.Dataset(users=config.users, rows=config.rows)
    # Index rebuilds sort in memory rather than in many small runs on disk.
    conn.execute("SET maintenance_work_mem = '1GB'")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    _users(conn, data)
    timings["users"] = time.perf_counter() - started
    started = time.perf_counter()
    _activities(conn, data)
    timings["activities"] = time.perf_counter() - started
    started = time.perf_counter()
    _channels(conn, config)
    timings["channels"] = time.perf_counter() - started
    started = time.perf_counter()
    _wopi(conn)
    _aggiefeed(conn)
    timings["wopi_aggiefeed"] = time.perf_counter() - started
    conn.execute("VACUUM ANALYZE")
    return timings


def _users(conn: Conn, data: ds.Dataset) -> None:
    src = f"generate_series(1, {data.users}) i"
    insert_select(
        conn,
        "accounts_user",
        {
            "id": "i",
            "password": "'!bench-unusable'",
            "last_login": "NULL",
            "is_superuser": "false",
            "username": ds.username("i"),
            "first_name": "''",
            "last_name": "''",
            "email": "''",
            "is_staff": "false",
            "is_active": "true",
            "date_joined": ds.EPOCH,
            "display_name": ds.display_name("i"),
            "language": "'en'",
        },
        src,
    )
    insert_select(conn, "auth_group", {"id": "i", "name": "'bench-team-' || i"}, f"generate_series(1, {data.groups}) i")
    insert_select(conn, "accounts_user_groups", {"user_id": "i", "group_id": data.group_of("i")}, src)
    insert_select(
        conn,
        "accounts_apppassword",
        {
            "user_id": "i",
            "name": "'bench'",
            "secret_hash": ds.sha256_hex(ds.app_password("i")),
            "created": ds.EPOCH,
            "last_used": "NULL",
        },
        src,
    )
    pryv = f"generate_series(1, {min(PRYV_USERS, data.users)}) i"
    insert_select(
        conn,
        "accounts_accesstoken",
        {"id": "i", "user_id": "i", "name": "'bench'", "kind": "'personal'", "created": "now()", "modified": "now()"},
        pryv,
    )
    insert_select(
        conn,
        "accounts_accesstokencredential",
        {"token_id": "i", "secret_hash": ds.sha256_hex("'bench-pryv-token-' || i"), "created": "now()"},
        pryv,
    )
    sequences_reset(conn, ["accounts_user", "auth_group", "accounts_accesstoken"])
    say(f"users: {data.users} with app passwords, {data.groups} groups, {PRYV_USERS} Pryv tokens")


def sequences_reset(conn: Conn, tables: list[str]) -> None:
    """Point each table's id sequence past the loaded ids, so the project's own inserts go on from there."""
    for table in tables:
        statement = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"  # noqa: S608
        conn.execute(statement.encode(), (table,))


def _activities(conn: Conn, data: ds.Dataset) -> None:
    insert_select(
        conn,
        "activities_activityobject",
        {"id": "f", "object_type": "'file'", "native_id": ds.file_native_id("f")},
        f"generate_series(1, {data.files}) f",
    )
    tables = ["activities_activity", "activities_streamentry", "activities_activity_groups"]
    constraints = Constraints(conn, tables)
    constraints.drop()
    done = 0
    started = time.perf_counter()
    while done < data.rows:
        lo, hi = done + 1, min(done + CHUNK, data.rows)
        _activity_chunk(conn, data, lo, hi)
        done = hi
        rate = done / (time.perf_counter() - started)
        say(f"activities: {done:,}/{data.rows:,} ({rate:,.0f}/s, ~{(data.rows - done) / rate:,.0f}s left)")
    say("activities: rebuilding indexes and constraints")
    constraints.restore()
    sequences_reset(conn, ["activities_activity", "activities_activityobject", "activities_streamentry"])


def activity_values(data: ds.Dataset, source: str = "'wopi'") -> dict[str, str]:
    """The columns of ``activities_activity`` for activity ``g``: a WOPI comment, as wopi.services._record stores it.

    Rich objects ``actor`` (user) and ``file``, the comment text as the message, the WOPI activity document as
    the payload, its Id (a UUID) as the external id.
    """
    actor, file = data.actor(), data.file()
    external_id = "md5(g::text)::uuid::text"
    params = (
        f"jsonb_build_object('actor', jsonb_build_object('type', 'user', 'id', {ds.username(actor)}, "
        f"'name', {ds.display_name(actor)}), 'file', jsonb_build_object('type', 'file', 'id', "
        f"{ds.file_native_id(file)}, 'name', {ds.file_name(file)}, 'path', {ds.file_name(file)}))"
    )
    payload = (
        f"jsonb_build_object('Type', 'comment', 'Id', {external_id}, 'Timestamp', "
        f"to_char({data.created()} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US0\"Z\"'), 'Data', "
        "jsonb_build_object('ContentAction', 'created', 'ContentId', 'c' || g::text, 'CommentText', "
        "'Comment ' || g::text))"
    )
    return {
        "id": "g",
        "source": source,
        "type": "'comment'",
        "actor_id": actor,
        "actor_ref": ds.username(actor),
        "actor_name": ds.display_name(actor),
        "object_type": "'file'",
        "object_id": ds.file_native_id(file),
        "object_name": ds.file_name(file),
        "object_ref_id": file,
        "subject": "'{actor} commented on {file}'",
        "subject_params": params,
        "message": "'Comment ' || g::text",
        "message_params": "'{}'::jsonb",
        "link": "''",
        "icon": "''",
        "payload": payload,
        "external_id": external_id,
        "is_public": "false",
        "created": data.created(),
    }


def _activity_chunk(conn: Conn, data: ds.Dataset, lo: int, hi: int) -> None:
    series = f"generate_series({lo}, {hi}) g"
    insert_select(conn, "activities_activity", activity_values(data), series)
    insert_select(
        conn,
        "activities_activity_groups",
        {"activity_id": "g", "group_id": data.group_of(data.actor())},
        f"{series} WHERE {data.grouped()}",
    )
    audience = (
        f"(SELECT g, {data.actor()} AS actor, {data.recipient()} AS recipient, {data.file()} AS file, "  # noqa: S608
        f"{data.grouped()} AS grouped FROM {series}) a CROSS JOIN LATERAL ("
        "SELECT a.actor AS uid WHERE NOT a.grouped UNION ALL SELECT a.recipient WHERE NOT a.grouped "
        f"UNION ALL SELECT m.user_id FROM accounts_user_groups m WHERE a.grouped AND m.group_id = "
        f"{data.group_of('a.actor')}) r ORDER BY a.g, r.uid"
    )
    insert_select(
        conn,
        "activities_streamentry",
        {
            "user_id": "r.uid",
            "activity_id": "a.g",
            "source": "'wopi'",
            "by_self": "r.uid = a.actor",
            "object_ref_id": "a.file",
        },
        audience,
    )


def _channels(conn: Conn, config: BenchConfig) -> None:
    users = min(PRYV_USERS, config.users)
    channels = users * CHANNELS_PER_USER
    insert_select(
        conn,
        "channels_channel",
        {
            "id": "c",
            "user_id": f"(c - 1) / {CHANNELS_PER_USER} + 1",
            "ident": f"'bench-ch-' || ((c - 1) / {CHANNELS_PER_USER} + 1) || '-' || ((c - 1) % {CHANNELS_PER_USER})",
            "name": "'Channel ' || c",
            "enforce_no_events_overlap": "true",
            "client_data": "'{}'::jsonb",
            "trashed": "false",
            "created": "now()",
        },
        f"generate_series(1, {channels}) c",
    )
    per_channel = FOLDER_ROOTS * (1 + FOLDER_CHILDREN * (1 + FOLDER_GRANDCHILDREN))
    # Folder numbers within a channel: roots 0..4, children 5..24, grandchildren 25..84.
    tree = (
        f"(SELECT c, n, CASE WHEN n < {FOLDER_ROOTS} THEN NULL "  # noqa: S608
        f"WHEN n < {FOLDER_ROOTS * (1 + FOLDER_CHILDREN)} THEN (n - {FOLDER_ROOTS}) / {FOLDER_CHILDREN} "
        f"ELSE {FOLDER_ROOTS} + (n - {FOLDER_ROOTS * (1 + FOLDER_CHILDREN)}) / {FOLDER_GRANDCHILDREN} END AS parent "
        f"FROM generate_series(1, {channels}) c, generate_series(0, {per_channel - 1}) n) t"
    )
    insert_select(
        conn,
        "channels_folder",
        {
            "id": f"(t.c - 1) * {per_channel} + t.n + 1",
            "user_id": f"(t.c - 1) / {CHANNELS_PER_USER} + 1",
            "channel_id": "t.c",
            "parent_id": f"(t.c - 1) * {per_channel} + t.parent + 1",
            "ident": "'bench-f-' || t.c || '-' || t.n",
            "name": "'Folder ' || t.n",
            "hidden": "false",
            "client_data": "'{}'::jsonb",
            "trashed": "false",
        },
        tree + " ORDER BY t.n",
    )
    events = config.event_count
    leaves_from = FOLDER_ROOTS * (1 + FOLDER_CHILDREN)
    leaves = per_channel - leaves_from
    constraints = Constraints(conn, ["channels_event"])
    constraints.drop()
    insert_select(
        conn,
        "channels_event",
        {
            "id": "e",
            "user_id": f"(((e - 1) % {channels}) / {CHANNELS_PER_USER} + 1)",
            "channel_id": f"((e - 1) % {channels} + 1)",
            "folder_id": f"((e - 1) % {channels}) * {per_channel} + {leaves_from} "
            f"+ ((e - 1) / {channels}) % {leaves} + 1",
            "ident": "'bench-ev-' || e",
            "time": f"{EVENT_EPOCH} + ((e - 1) / {channels}) * {PERIOD_SECONDS}",
            "duration": str(PERIOD_SECONDS),
            "is_period": "true",
            "type_class": "'activity'",
            "type_format": "'plain'",
            "value": "NULL",
            "tags": "'[]'::jsonb",
            "description": "''",
            "client_data": "'{}'::jsonb",
            "trashed": "false",
            "modified": f"{EVENT_EPOCH} + ((e - 1) / {channels}) * {PERIOD_SECONDS} + {PERIOD_SECONDS}",
            "end_time": f"{EVENT_EPOCH} + ((e - 1) / {channels}) * {PERIOD_SECONDS} + {PERIOD_SECONDS}",
            "overlap_guarded": "true",
        },
        f"generate_series(1, {events}) e",
    )
    constraints.restore()
    sequences_reset(conn, ["channels_channel", "channels_folder", "channels_event"])
    say(f"channels: {channels} channels, {channels * per_channel} folders, {events:,} events")


def _wopi(conn: Conn) -> None:
    """One WOPI file of user 1; its ``wopi_activities`` comments come in through the project's AddActivities."""
    insert_select(
        conn,
        "wopi_wopifile",
        {
            "id": f"'{WOPI_FILE_ID}'::uuid",
            "owner_id": "1",
            "name": "'bench.docx'",
            "content": "''",
            "size": "0",
            "version": "1",
            "lock_id": "''",
            "lock_expires": "NULL",
            "created": "now()",
            "modified": "now()",
        },
        "(SELECT 1) one",
    )
    say(f"wopi: file {WOPI_FILE_ID} of user 1")


def _aggiefeed(conn: Conn) -> None:
    """A source publishing without approval, and its API key (stored hashed); posts come in through the API."""
    insert_select(
        conn,
        "aggiefeed_source",
        {
            "id": "1",
            "ident": f"'{AGGIEFEED_SOURCE}'",
            "name": "'Bench department'",
            "kind": "'department'",
            "approvals_needed": "0",
            "can_send_to": """'["public", "students", "faculty", "staff"]'::jsonb""",
            "notify_approvers": "false",
            "created": "now()",
        },
        "(SELECT 1) one",
    )
    insert_select(
        conn,
        "aggiefeed_apikey",
        {
            "source_id": "1",
            "name": "'bench'",
            "prefix": f"'{AGGIEFEED_KEY[:8]}'",
            "secret_hash": ds.sha256_hex(f"'{AGGIEFEED_KEY}'"),
            "staff_scope": "false",
            "is_active": "true",
            "created": "now()",
            "last_used": "NULL",
        },
        "(SELECT 1) one",
    )
    sequences_reset(conn, ["aggiefeed_source", "aggiefeed_apikey"])
