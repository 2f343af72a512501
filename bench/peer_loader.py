"""The peer's venv, database and data: the same data set as the project's (bench/dataset.py), in actstream's tables."""

from __future__ import annotations

import os
import subprocess
import sys

from bench import dataset as ds
from bench.config import BENCH_DIR, PEER_VENV, SECRET_KEY, BenchConfig
from bench.db import Conn, Constraints, insert_select, say

PEER_DIR = BENCH_DIR / "peer"
PEER_PYTHON = PEER_VENV / "bin" / "python"


def peer_token(user: int) -> str:
    """The DRF token of a peer user (40 characters, as authtoken stores it)."""
    return f"benchpeer{user:031d}"


def venv_ensure() -> None:
    """var/bench-peer-venv with bench/requirements-peer.txt, never the project's venv."""
    stamp = PEER_VENV / ".installed"
    requirements = BENCH_DIR / "requirements-peer.txt"
    if stamp.exists() and stamp.stat().st_mtime >= requirements.stat().st_mtime:
        return
    say(f"peer: creating {PEER_VENV} (django-activity-stream, DRF)")
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [str(PEER_PYTHON), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True
    )
    stamp.touch()


def peer_env(config: BenchConfig) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "peerproject.settings",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": config.db_url(config.peer_database),
    }


def migrate(config: BenchConfig) -> None:
    env = {**os.environ, **peer_env(config), "PYTHONPATH": str(PEER_DIR)}
    subprocess.run(  # noqa: S603
        [str(PEER_PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PEER_DIR, env=env, check=True
    )


def load(conn: Conn, config: BenchConfig) -> None:
    data = ds.Dataset(users=config.users, rows=config.rows)
    conn.execute("SET maintenance_work_mem = '1GB'")
    ct: dict[str, int] = dict(
        conn.execute(
            "SELECT app_label || '.' || model, id FROM django_content_type "
            "WHERE (app_label, model) IN (('auth', 'user'), ('auth', 'group'), ('peerfiles', 'benchfile'))"
        ).fetchall()
    )
    users = f"generate_series(1, {data.users}) i"
    insert_select(
        conn,
        "auth_user",
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
        },
        users,
    )
    insert_select(conn, "auth_group", {"id": "i", "name": "'bench-team-' || i"}, f"generate_series(1, {data.groups}) i")
    insert_select(conn, "auth_user_groups", {"user_id": "i", "group_id": data.group_of("i")}, users)
    insert_select(
        conn,
        "authtoken_token",
        {"key": "'benchpeer' || lpad(i::text, 31, '0')", "user_id": "i", "created": "now()"},
        users,
    )
    insert_select(
        conn, "peerfiles_benchfile", {"id": "f", "name": ds.file_name("f")}, f"generate_series(1, {data.files}) f"
    )
    follows = {
        "user_id": "i",
        "object_id": "",
        "content_type_id": "",
        "actor_only": "false",
        "flag": "''",
        "started": ds.EPOCH,
    }
    insert_select(
        conn, "actstream_follow", follows | {"object_id": "i::text", "content_type_id": str(ct["auth.user"])}, users
    )
    insert_select(
        conn,
        "actstream_follow",
        follows | {"object_id": f"{data.group_of('i')}::text", "content_type_id": str(ct["auth.group"])},
        users,
    )
    constraints = Constraints(conn, ["actstream_action"])
    constraints.drop()
    chunk = 250_000
    for lo in range(1, data.rows + 1, chunk):
        hi = min(lo + chunk - 1, data.rows)
        insert_select(
            conn,
            "actstream_action",
            {
                "id": "g",
                "actor_content_type_id": str(ct["auth.user"]),
                "actor_object_id": f"{data.actor()}::text",
                "verb": "'commented on'",
                "description": "'Comment ' || g::text",
                "target_content_type_id": f"CASE WHEN {data.grouped()} THEN {ct['auth.group']} "
                f"ELSE {ct['auth.user']} END",
                "target_object_id": f"(CASE WHEN {data.grouped()} THEN {data.group_of(data.actor())} "
                f"ELSE {data.recipient()} END)::text",
                "action_object_content_type_id": str(ct["peerfiles.benchfile"]),
                "action_object_object_id": f"{data.file()}::text",
                "timestamp": data.created(),
                "public": "true",
            },
            f"generate_series({lo}, {hi}) g",
        )
        say(f"peer: actions {hi:,}/{data.rows:,}")
    constraints.restore()
    for table in ("auth_user", "auth_group", "actstream_action", "actstream_follow", "peerfiles_benchfile"):
        statement = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"  # noqa: S608
        conn.execute(statement.encode(), (table,))
    conn.execute("VACUUM ANALYZE")
