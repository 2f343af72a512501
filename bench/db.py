"""The bench databases: created on demand, migrated by the project itself, filled by set-based SQL."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from bench.config import APP_PYTHON, PG_ADMIN_URL, ROOT, BenchConfig

Conn = psycopg.Connection[tuple[Any, ...]]


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_recreate(name: str) -> None:
    """Drop and create database ``name`` (a bench database only): every load starts from the migrations."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def loaded_rows(url: str) -> int | None:
    """How many activities the last complete load put in (``bench_meta``), or None when none finished."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT rows FROM bench_meta").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def loaded_mark(conn: Conn, rows: int) -> None:
    conn.execute("CREATE TABLE bench_meta (rows bigint NOT NULL, loaded timestamptz NOT NULL DEFAULT now())")
    conn.execute("INSERT INTO bench_meta (rows) VALUES (%s)", (rows,))


@functools.cache
def redis_url() -> str:
    """The Redis the project's cache uses in the run, as in production (``BENCH_REDIS_URL``, default database 13
    of the local server), or "" when none answers: then each worker has its own in-memory cache, and the
    table's figures leave out the cache round trips (login throttling, WOPI rate limits) production pays."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2):
            return url
    except OSError:
        say(f"no Redis at {url}: the project runs with a per-worker in-memory cache (set BENCH_REDIS_URL)")
        return ""


def app_env(config: BenchConfig, database: str | None = None) -> dict[str, str]:
    """Production settings of the project, on the bench database, for manage.py and gunicorn alike."""
    from bench.config import METRICS_TOKEN, SECRET_KEY

    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": config.db_url(database),
        "DJANGO_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        "METRICS_TOKEN": METRICS_TOKEN,
        "REDIS_URL": redis_url(),
        # One token drives every WOPI scenario: its per-minute allowance must not turn the rounds into 429s.
        "WOPI_RATE_LIMIT_PER_MINUTE": "100000000",
    }


def app_migrate(config: BenchConfig) -> None:
    """``manage.py migrate`` of the project on the bench database (the schema is the project's, never ours)."""
    env = {**os.environ, **app_env(config)}
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [str(APP_PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


@contextmanager
def connect(url: str) -> Iterator[Conn]:
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


def table_columns(conn: Conn, table: str) -> dict[str, bool]:
    """The columns of ``table``: name → whether a value must be given (NOT NULL, no default, not identity)."""
    rows = conn.execute(
        "SELECT column_name, is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' "
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
        (table,),
    ).fetchall()
    if not rows:
        raise SystemExit(f"bench: table {table} is missing; did the project's migrations change?")
    return {str(name): bool(required) for name, required in rows}


def insert_select(
    conn: Conn,
    table: str,
    values: dict[str, str],
    source: str,
    params: dict[str, object] | None = None,
) -> int:
    """``INSERT INTO table (cols) SELECT exprs FROM source``: one statement, no row-by-row work.

    Columns of the table that the loader does not know and that need a value stop the run with a clear
    message (a model changed under the benchmark), instead of loading rows the project could not have written.
    """
    columns = table_columns(conn, table)
    unknown = set(values) - set(columns)
    missing = {name for name, required in columns.items() if required and name not in values}
    if unknown or missing:
        raise SystemExit(
            f"bench: the loader of {table} is out of date (unknown columns {sorted(unknown)}, "
            f"columns needing a value {sorted(missing)}); update bench/loader.py to the model."
        )
    statement = "INSERT INTO {table} ({cols}) SELECT {exprs} FROM {source}".format(  # noqa: S608 - our SQL
        table=table, cols=", ".join(values), exprs=", ".join(values.values()), source=source
    )
    cursor = conn.execute(statement.encode(), params)
    return cursor.rowcount


class Constraints:
    """Secondary indexes and constraints of bulk-loaded tables, dropped for the load and rebuilt after.

    Their definitions are read from the catalogue (``pg_get_constraintdef``/``pg_get_indexdef``), so whatever
    the migrations made is exactly what is rebuilt; rebuilding the foreign keys also checks the loaded rows.
    """

    def __init__(self, conn: Conn, tables: list[str]) -> None:
        self.conn = conn
        self.tables = tables
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[str] = []

    def drop(self) -> None:
        for table in self.tables:
            rows = self.conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype <> 'p' ORDER BY contype DESC",
                (table,),
            ).fetchall()
            for name, definition in rows:
                self.constraints.append((table, str(name), str(definition)))
                self.conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'.encode())
            indexes = self.conn.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
                (table,),
            ).fetchall()
            for name, definition in indexes:
                self.indexes.append(str(definition))
                self.conn.execute(f'DROP INDEX "{name}"'.encode())

    def restore(self) -> None:
        for definition in self.indexes:
            self.conn.execute(definition.encode())
        # Unique and check constraints before the foreign keys, as the catalogue listed them.
        for table, name, definition in self.constraints:
            self.conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'.encode())
        for table in self.tables:
            self.conn.execute(f"ANALYZE {table}".encode())
