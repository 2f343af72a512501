"""The floor: the benchmark's requests answered by plain WSGI, psycopg and orjson, with no framework.

Same paths, credentials, SQL work and response shapes as the project, each handler doing the least a correct
answer needs (credential lookup by hash, then one keyset or indexed query). ``X-Bench-Queries`` says how many
SQL statements the request ran. Served by gunicorn with the project's settings: ``bench.floor:application``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import orjson
import psycopg
from django.core import signing

Environ = dict[str, Any]
StartResponse = Callable[[str, list[tuple[str, str]]], object]
Reply = tuple[int, bytes, list[tuple[str, str]]]
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")
_STATUS = {200: "200 OK", 201: "201 Created", 400: "400 Bad Request", 401: "401 Unauthorized", 404: "404 Not Found"}
_SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
_conn: psycopg.Connection[tuple[Any, ...]] | None = None


class Db:
    """The worker's one persistent connection (as CONN_MAX_AGE gives the project), counting statements."""

    def __init__(self) -> None:
        global _conn
        if _conn is None or _conn.closed:
            _conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        self.conn = _conn
        self.queries = 0

    def all(self, query: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        self.queries += 1
        return self.conn.execute(query.encode(), params).fetchall()

    def one(self, query: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> tuple[Any, ...] | None:
        rows = self.all(query, params)
        return rows[0] if rows else None


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _json(status: int, body: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
    return status, orjson.dumps(body), [("Content-Type", "application/json"), *(headers or [])]


def _render(template: str, params: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(
        lambda m: str(params[m.group(1)].get("name", "")) if m.group(1) in params else m.group(0), template
    )


def _atom(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def ocs_stream(db: Db, environ: Environ, query: dict[str, list[str]]) -> Reply:
    """OCS v2 stream page (filter ``all``, desc): Basic auth with an app password, then one keyset query."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    try:
        username, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        username, password = "", ""
    user = db.one(
        "SELECT u.id FROM accounts_apppassword p JOIN accounts_user u ON u.id = p.user_id "
        "WHERE p.secret_hash = %s AND u.is_active AND lower(u.username) = lower(%s)",
        (_sha(password), username),
    )
    if user is None:
        return _json(401, {"ocs": {"meta": {"status": "failure", "statuscode": 997, "message": ""}, "data": []}})
    user_id = user[0]
    since = int(query.get("since", ["0"])[0] or 0)
    limit = min(int(query.get("limit", ["50"])[0] or 50), 200)
    if (
        since
        and db.one("SELECT 1 FROM activities_streamentry WHERE user_id = %s AND activity_id = %s", (user_id, since))
        is None
    ):
        since = 0
    rows = db.all(
        "SELECT a.id, a.source, a.type, a.actor_ref, a.subject, a.subject_params, a.message, a.message_params, "
        "a.object_type, a.object_ref_id, a.object_name, a.link, a.icon, a.created "
        "FROM activities_streamentry e JOIN activities_activity a ON a.id = e.activity_id "
        "WHERE e.user_id = %s AND e.activity_id < %s ORDER BY e.activity_id DESC LIMIT %s",
        (user_id, since or 2**62, limit + 1),
    )
    more, rows = len(rows) > limit, rows[:limit]
    items = []
    for id_, source, type_, actor, subject, sparams, message, mparams, otype, oref, oname, link, icon, created in rows:
        items.append(
            {
                "activity_id": id_,
                "app": source,
                "type": type_,
                "user": actor,
                "subject": _render(subject, sparams),
                "subject_rich": [subject, sparams or []],
                "message": _render(message, mparams),
                "message_rich": [message, mparams or []],
                "object_type": otype,
                "object_id": oref or 0,
                "object_name": oname,
                "objects": {str(oref): oname} if oref else [],
                "link": link,
                "icon": icon,
                "datetime": _atom(created),
            }
        )
    ids = [item["activity_id"] for item in items]
    headers = [("ETag", hashlib.md5(orjson.dumps(ids), usedforsecurity=False).hexdigest())]
    if ids:
        headers.append(("X-Activity-Last-Given", str(ids[-1])))
        if not since:
            headers.append(("X-Activity-First-Known", str(ids[0])))
        if more:
            path = environ.get("PATH_INFO", "")
            headers.append(
                (
                    "Link",
                    f"<http://{environ.get('HTTP_HOST', '')}{path}?since={ids[-1]}&limit={limit}&sort=desc>; "
                    'rel="next"',
                )
            )
    return _json(200, {"ocs": {"meta": {"status": "ok", "statuscode": 200, "message": "OK"}, "data": items}}, headers)


def _pryv_user(db: Db, environ: Environ, query: dict[str, list[str]]) -> int | None:
    secret = environ.get("HTTP_AUTHORIZATION", "") or query.get("auth", [""])[0]
    row = db.one(
        "SELECT t.user_id, u.username, t.kind FROM accounts_accesstokencredential c "
        "JOIN accounts_accesstoken t ON t.id = c.token_id JOIN accounts_user u ON u.id = t.user_id "
        "WHERE c.secret_hash = %s AND u.is_active",
        (_sha(secret),),
    )
    name = query.get("userName", [""])[0]
    if row is None or row[2] != "personal" or (name and name.casefold() != row[1].casefold()):
        return None
    return int(row[0])


def _pryv_error(status: int, error_id: str) -> Reply:
    return _json(status, {"id": error_id, "message": error_id.replace("_", " ").lower()})


_EVENTS = (
    "WITH RECURSIVE sub AS (SELECT id FROM channels_folder WHERE channel_id = %(ch)s AND ident = ANY(%(roots)s) "
    "AND NOT trashed UNION ALL SELECT f.id FROM channels_folder f JOIN sub ON f.parent_id = sub.id "
    "WHERE NOT f.trashed) "
    "SELECT e.ident, e.time, e.duration, e.is_period, f.ident, e.type_class, e.type_format, e.value, e.tags, "
    "e.description, e.client_data, e.modified FROM channels_event e JOIN channels_folder f ON f.id = e.folder_id "
    "WHERE e.channel_id = %(ch)s AND e.folder_id IN (SELECT id FROM sub) AND NOT e.trashed AND e.time <= %(to)s "
    "AND (e.time >= %(from)s OR (e.is_period AND (e.duration IS NULL OR e.time + e.duration >= %(from)s))) "
    "ORDER BY e.time DESC, e.ident DESC"
)


def pryv_events(db: Db, environ: Environ, query: dict[str, list[str]], channel: str) -> Reply:
    """Events of a channel in a time window, in a folder subtree (one recursive query)."""
    user_id = _pryv_user(db, environ, query)
    if user_id is None:
        return _pryv_error(401, "INVALID_TOKEN")
    ch = db.one("SELECT id FROM channels_channel WHERE user_id = %s AND ident = %s AND NOT trashed", (user_id, channel))
    if ch is None:
        return _pryv_error(404, "UNKNOWN_CHANNEL")
    roots = query.get("onlyFolders[]", []) + query.get("onlyFolders", [])
    to_time = float(query.get("toTime", [str(time.time())])[0])
    from_time = float(query.get("fromTime", [str(to_time - 86400)])[0])
    rows = db.all(_EVENTS, {"ch": ch[0], "roots": roots, "to": to_time, "from": from_time})
    events = []
    for ident, t, duration, is_period, folder, tclass, tformat, value, tags, description, client_data, modified in rows:
        event: dict[str, Any] = {"id": ident, "channelId": channel, "time": t, "folderId": folder}
        if is_period or duration is not None:
            event["duration"] = duration
        event |= {
            "type": {"class": tclass, "format": tformat},
            "value": value,
            "tags": tags,
            "description": description,
            "clientData": client_data,
            "attachments": {},
            "trashed": False,
            "modified": modified,
        }
        events.append(event)
    return _json(200, events)


def pryv_folders(db: Db, environ: Environ, query: dict[str, list[str]], channel: str) -> Reply:
    """The folder tree with ``timeCount`` from ``timeCountBase``: the folders, then one aggregate of periods."""
    user_id = _pryv_user(db, environ, query)
    if user_id is None:
        return _pryv_error(401, "INVALID_TOKEN")
    ch = db.one("SELECT id FROM channels_channel WHERE user_id = %s AND ident = %s AND NOT trashed", (user_id, channel))
    if ch is None:
        return _pryv_error(404, "UNKNOWN_CHANNEL")
    base = float(query.get("timeCountBase", ["0"])[0])
    now = time.time()
    folders = db.all(
        "SELECT id, parent_id, ident, name, hidden, client_data FROM channels_folder "
        "WHERE channel_id = %s AND NOT trashed AND NOT hidden ORDER BY name",
        (ch[0],),
    )
    counts = dict(
        db.all(
            "SELECT folder_id, "
            "sum(greatest(0, least(coalesce(time + duration, %(now)s), %(now)s) - greatest(time, %(b)s))) "
            "FROM channels_event WHERE channel_id = %(ch)s AND is_period AND NOT trashed "
            "AND (duration IS NULL OR time + duration > %(b)s) GROUP BY folder_id",
            {"ch": ch[0], "now": now, "b": base},
        )
    )
    nodes: dict[int, dict[str, Any]] = {}
    for id_, parent, ident, name, hidden, client_data in folders:
        nodes[id_] = {
            "id": ident,
            "name": name,
            "parentId": parent,
            "hidden": hidden,
            "clientData": client_data,
            "trashed": False,
            "timeCount": float(counts.get(id_, 0.0)),
            "children": [],
        }
    roots = []
    for id_, parent, *_ in folders:
        node = nodes[id_]
        if parent in nodes:
            node["parentId"] = nodes[parent]["id"]
            nodes[parent]["children"].append(node)
        else:
            node["parentId"] = None
            roots.append(node)

    def total(node: dict[str, Any]) -> float:
        node["timeCount"] += sum(total(child) for child in node["children"])
        return float(node["timeCount"])

    for root in roots:
        total(root)
    return _json(200, roots)


def _wopi_grant(query: dict[str, list[str]], file_id: str) -> int | None:
    token = query.get("access_token", [""])[0]
    try:
        payload = signing.loads(
            binascii.unhexlify(token).decode("ascii"), key=_SECRET_KEY, salt="wopi.access-token", fallback_keys=[]
        )
    except (ValueError, binascii.Error, signing.BadSignature):
        return None
    if payload.get("f") != file_id or payload.get("e", 0) <= time.time() * 1000:
        return None
    return int(payload["u"])


def wopi_activities(db: Db, environ: Environ, query: dict[str, list[str]], file_id: str) -> Reply:
    """WOPI GET_ACTIVITIES (newest first, ``Top`` of them) and ADD_ACTIVITIES (one bulk insert per batch)."""
    user_id = _wopi_grant(query, file_id)
    if user_id is None:
        return 401, b"", []
    body = orjson.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or b"{}")
    owner = db.one("SELECT owner_id, name FROM wopi_wopifile WHERE id = %s", (file_id,))
    if owner is None or owner[0] != user_id:
        return 404, b"", []
    if environ.get("HTTP_X_WOPI_OVERRIDE") == "ADD_ACTIVITIES":
        return _wopi_add(db, user_id, file_id, owner[1], body.get("Activities", []))
    top = int(body.get("Top", 0))
    rows = db.all(
        "SELECT external_id, type, actor_ref, actor_name, payload, created FROM activities_activity "
        "WHERE source = 'wopi' AND object_type = 'file' AND object_id = %s ORDER BY id DESC LIMIT %s",
        (file_id, top + 1),
    )
    more = len(rows) > top
    activities = []
    for external_id, type_, actor_ref, actor_name, payload, created in rows[:top]:
        activities.append(
            {
                "Type": type_,
                "Id": external_id,
                "Timestamp": created.strftime("%Y-%m-%dT%H:%M:%S.%f0Z"),
                "People": [{"Id": actor_ref, "Name": actor_name, "Creator": True}],
                "Data": payload.get("Data", {}),
            }
        )
    skip = str(rows[top - 1][0]) if more and top else ""
    return _json(200, {"Activities": activities, "MoreResultsExist": more, "ItemsExceedTop": more, "SkipToken": skip})


def _wopi_add(db: Db, user_id: int, file_id: str, file_name: str, items: list[dict[str, Any]]) -> Reply:
    """The same rows as the project's AddActivities (activity, rich objects, payload; the owner's stream entry),
    stored by two statements for the whole batch."""
    user = db.one("SELECT username, display_name FROM accounts_user WHERE id = %s", (user_id,))
    assert user is not None  # noqa: S101 - the grant's user owns the file
    ref = db.one(
        "INSERT INTO activities_activityobject (object_type, native_id) VALUES ('file', %s) "
        "ON CONFLICT (object_type, native_id) DO UPDATE SET native_id = EXCLUDED.native_id RETURNING id",
        (file_id,),
    )
    assert ref is not None  # noqa: S101
    docs = [
        orjson.dumps({k: item[k] for k in ("Type", "Id", "Timestamp", "Data", "People") if k in item}).decode()
        for item in items
    ]
    params = orjson.dumps(
        {
            "actor": {"type": "user", "id": user[0], "name": user[1] or user[0]},
            "file": {"type": "file", "id": file_id, "name": file_name, "path": file_name},
        }
    ).decode()
    db.all(
        "WITH a AS (INSERT INTO activities_activity (source, type, actor_id, actor_ref, actor_name, object_type, "
        "object_id, object_name, object_ref_id, subject, subject_params, message, message_params, link, icon, payload, "
        "external_id, is_public, created) SELECT 'wopi', t, %(u)s, %(ref)s, %(name)s, 'file', %(f)s, %(fname)s, "
        "%(oref)s, '{actor} commented on {file}', %(params)s::jsonb, m, '{}', '', '', p::jsonb, lower(x), false, now() "
        "FROM unnest(%(types)s::text[], %(ids)s::text[], %(docs)s::text[], %(texts)s::text[]) AS i(t, x, p, m) "
        "RETURNING id) "
        "INSERT INTO activities_streamentry (user_id, activity_id, source, by_self, object_ref_id) "
        "SELECT %(uid)s, id, 'wopi', true, %(oref)s FROM a RETURNING activity_id",
        {
            "u": user_id,
            "uid": user_id,
            "ref": user[0],
            "name": user[1] or user[0],
            "f": file_id,
            "fname": file_name,
            "oref": ref[0],
            "types": [str(item.get("Type", "")) for item in items],
            "ids": [str(item.get("Id", uuid.uuid4())) for item in items],
            "docs": docs,
            "texts": [str((item.get("Data") or {}).get("CommentText", "")) for item in items],
            "params": params,
        },
    )
    return _json(200, {"ActivityResponses": [{"Id": item.get("Id"), "Status": 0} for item in items]})


def aggiefeed_list(db: Db, environ: Environ, query: dict[str, list[str]]) -> Reply:
    """Aggiefeed live public stream page (``s``/``l``): the stored documents, spliced without re-encoding."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    key = db.one(
        "SELECT k.id FROM aggiefeed_apikey k WHERE k.secret_hash = %s AND k.is_active",
        (_sha(header[7:]) if header.startswith("ApiKey ") else "",),
    )
    if key is None:
        return _json(401, {"error": {"status": 401, "code": "unauthenticated", "message": "", "details": []}})
    skip, limit = int(query.get("s", ["0"])[0]), int(query.get("l", ["25"])[0])
    rows = db.all(
        "SELECT document::text FROM aggiefeed_post WHERE status = 'l' AND is_public "
        "AND (end_date IS NULL OR end_date > now()) ORDER BY published DESC, object_id LIMIT %s OFFSET %s",
        (limit, skip),
    )
    return 200, b"[" + b",".join(row[0].encode() for row in rows) + b"]", [("Content-Type", "application/json")]


def route(db: Db, environ: Environ) -> Reply:
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    parts = path.strip("/").split("/")
    if path.startswith("/ocs/") and path.endswith("/apps/activity/api/v2/activity"):
        return ocs_stream(db, environ, query)
    if len(parts) == 4 and parts[:2] == ["wopi", "files"] and parts[3] == "activities":
        return wopi_activities(db, environ, query, parts[2])
    if path == "/api/v1/activity" and environ["REQUEST_METHOD"] == "GET":
        return aggiefeed_list(db, environ, query)
    if len(parts) == 2 and parts[1] == "events":
        return pryv_events(db, environ, query, parts[0])
    if len(parts) == 2 and parts[1] == "folders":
        return pryv_folders(db, environ, query, parts[0])
    return _json(404, {"id": "UNKNOWN_RESOURCE", "message": "not served by the floor"})


def application(environ: Environ, start_response: StartResponse) -> list[bytes]:
    db = Db()
    status, body, headers = route(db, environ)
    headers = [*headers, ("Content-Length", str(len(body))), ("X-Bench-Queries", str(db.queries))]
    start_response(_STATUS.get(status, f"{status} Status"), headers)
    return [body]
