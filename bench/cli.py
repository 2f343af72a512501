"""``python -m bench``: load, serve, drive, and report the project beside its floor and its peer."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import driver, loader, peer_loader, report
from bench.config import APP_PYTHON, METRICS_TOKEN, ROOT, BenchConfig
from bench.db import app_env, app_migrate, connect, database_recreate, loaded_mark, loaded_rows, redis_url, say
from bench.scenarios import STREAM_USER, Scenario, build
from bench.servers import Server


def parse(argv: list[str]) -> BenchConfig:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="activities to load (10,000 to 10,000,000)")
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=None, help="Pryv events (default: rows / 5, 200,000 at 1M)")
    parser.add_argument("--wopi-activities", type=int, default=10_000)
    parser.add_argument("--aggiefeed-posts", type=int, default=300, help="live posts sent through the API")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before the rounds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database", default="activityhub_bench")
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded data (same --rows)")
    parser.add_argument(
        "--load-only", action="store_true", help="load (each --scaling size, else --rows) and stop; measure later"
    )
    parser.add_argument("--no-peer", action="store_true", help="leave the peer out")
    parser.add_argument("--scenarios", default="", help="comma-separated names (default: all)")
    parser.add_argument("--scaling", default="", help="sizes for the stream-page scaling run, e.g. 10000,1000000")
    parser.add_argument("--results", default="", help="JSON output (default bench/results/latest.json)")
    parser.add_argument("--docs", default="", help="page whose generated block gets the table (docs/benchmarks.md)")
    parser.add_argument("--port", type=int, default=18700)
    args = parser.parse_args(argv)
    if not 1_000 <= args.rows <= 10_000_000:
        parser.error("--rows must be between 1,000 and 10,000,000")
    config = BenchConfig(
        rows=args.rows,
        users=args.users,
        events=args.events,
        wopi_activities=min(args.wopi_activities, args.rows),
        aggiefeed_posts=min(args.aggiefeed_posts, args.rows // 10),
        rounds=args.rounds,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        database=args.database,
        peer_database=args.database + "_peer",
        skip_load=args.skip_load,
        load_only=args.load_only,
        skip_peer=args.no_peer,
        scenarios=[s for s in args.scenarios.split(",") if s],
        scaling=[int(s) for s in args.scaling.split(",") if s],
        base_port=args.port,
    )
    if args.results:
        config.results = ROOT / args.results
    if args.docs:
        config.docs = ROOT / args.docs
    return config


def _wopi_token(config: BenchConfig) -> str:
    """A WOPI access token for the file's owner, minted by the project's own code with the bench secret."""
    code = (
        "import django; django.setup(); from wopi.tokens import access_token_mint; "
        f"print(access_token_mint(user_id=1, file_id='{loader.WOPI_FILE_ID}', "
        "expires_ms=4102444800000).token)"
    )
    env = {**os.environ, **app_env(config)}
    done = subprocess.run(  # noqa: S603
        [str(APP_PYTHON), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return done.stdout.strip().splitlines()[-1] if done.returncode == 0 and done.stdout.strip() else "unavailable"


def _data_facts(config: BenchConfig) -> dict[str, Any]:
    """Values the scenarios need from the loaded data: the second page's cursor and the events' time range."""
    with connect(config.db_url()) as conn:
        row = conn.execute(
            "SELECT activity_id FROM activities_streamentry WHERE user_id = %s "
            "ORDER BY activity_id DESC OFFSET 49 LIMIT 1",
            (STREAM_USER,),
        ).fetchone()
        last = conn.execute(
            "SELECT max(time) FROM channels_event e JOIN channels_channel c ON c.id = e.channel_id WHERE c.ident = %s",
            (loader.channel_ident(1, 0),),
        ).fetchone()
    last_time = float(last[0]) if last and last[0] is not None else float(loader.EVENT_EPOCH)
    return {
        "next_since": int(row[0]) if row else 0,
        "events_window": (last_time - 7 * 86400, last_time),
        "folders_base": last_time - 30 * 86400,
    }


def _metrics_queries(url: str) -> dict[str, tuple[float, float]]:
    """Per route: SQL queries and requests observed so far by the project's Prometheus histogram."""
    request = urllib.request.Request(url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    routes: dict[str, tuple[float, float]] = {}
    # /metrics itself is counted too: leave it out, so that polling does not look like traffic.
    for match in re.finditer(r'^activityhub_request_db_queries_(sum|count)\{route="([^"]*)"\} (\S+)$', text, re.M):
        total, count = routes.get(match.group(2), (0.0, 0.0))
        if match.group(2) == "metrics":
            continue
        value = float(match.group(3))
        routes[match.group(2)] = (value, count) if match.group(1) == "sum" else (total, value)
    return routes


def _queries(server: Server, scenario: Scenario, kind: str, path: str | None) -> float | None:
    """SQL statements per request, from three probe requests (static scenarios only)."""
    if scenario.lua_request:
        return None
    if kind == "app":
        # Requests of an earlier wrk run may still be finishing: wait until the counters stand still.
        before = _metrics_queries(server.url)
        for _ in range(30):
            time.sleep(0.5)
            again = _metrics_queries(server.url)
            if again == before:
                break
            before = again
        probes = 3
        for _ in range(probes):
            driver.probe(server.url, scenario, path)
        after = _metrics_queries(server.url)
        for route, (total, count) in after.items():
            old_total, old_count = before.get(route, (0.0, 0.0))
            if count - old_count == probes:
                return round((total - old_total) / probes, 2)
        return None
    _, headers, _ = driver.probe(server.url, scenario, path)
    value = headers.get("X-Bench-Queries")
    return float(value) if value is not None else None


def _available(server: Server, scenario: Scenario, path: str | None) -> str | None:
    """None when the server answers the scenario as the contract says, else why not."""
    if scenario.lua_request:
        return None  # ingest requests are built by wrk; a scenario whose every request fails is reported after
    status, _, body = driver.probe(server.url, scenario, path)
    if status not in scenario.expect:
        return f"not available (HTTP {status})"
    if not body:
        return "not available (empty answer)"
    return None


def measure(
    server: Server, kind: str, scenarios: list[Scenario], config: BenchConfig, wrk: str
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        path = scenario.peer if kind == "peer" else None
        if kind == "peer" and path is None:
            continue
        if kind == "floor" and not scenario.floor:
            continue
        if kind == "peer":
            scenario = Scenario(
                scenario.name,
                "GET",
                path or "",
                {"Authorization": f"Token {peer_loader.peer_token(STREAM_USER)}"},
            )
            path = None
        missing = _available(server, scenario, path)
        if missing is not None:
            say(f"{kind} {scenario.name}: {missing}")
            results[scenario.name] = {"note": missing}
            continue
        queries = _queries(server, scenario, kind, path)
        measured = driver.run(wrk, server.url, scenario, config, path)
        if measured.requests and measured.errors >= measured.requests:
            missing = f"not available (all {measured.errors} requests failed)"
            say(f"{kind} {scenario.name}: {missing}")
            results[scenario.name] = {"note": missing}
            continue
        results[scenario.name] = {
            "rps": round(measured.rps, 1),
            "p50_ms": round(measured.p50_ms, 2),
            "p99_ms": round(measured.p99_ms, 2),
            "queries": queries,
            "errors": measured.errors,
            "requests": measured.requests,
            "items_per_s": round(measured.rps * scenario.per_request, 1),
        }
        say(
            f"{kind} {scenario.name}: {measured.rps:,.0f} req/s, p50 {measured.p50_ms:.1f} ms, "
            f"p99 {measured.p99_ms:.1f} ms, {queries} queries, {measured.errors} errors"
        )
    return results


def _ratio(a: Any, b: Any) -> float | None:
    return round(a / b, 3) if isinstance(a, int | float) and isinstance(b, int | float) and b else None


def rows_of(
    scenarios: list[Scenario], app: dict[str, Any], floor: dict[str, Any], peer: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    for scenario in scenarios:
        mine, low, other = app.get(scenario.name, {}), floor.get(scenario.name), peer.get(scenario.name)
        note = mine.get("note", "")
        if scenario.name in app and mine.get("errors"):
            note = f"{mine['errors']} requests failed (error status, socket error or timeout)"
        rows.append(
            {
                "scenario": scenario.name,
                "rps": mine.get("rps"),
                "p50_ms": mine.get("p50_ms"),
                "p99_ms": mine.get("p99_ms"),
                "queries": mine.get("queries"),
                "ratio_to_floor": _ratio(mine.get("rps"), (low or {}).get("rps")),
                "ratio_to_peer": _ratio(mine.get("rps"), (other or {}).get("rps")),
                "p99_ratio_to_floor": _ratio(mine.get("p99_ms"), (low or {}).get("p99_ms")),
                "items_per_request": scenario.per_request,
                "available": "rps" in mine,
                "note": note,
                "floor": low,
                "peer": other,
            }
        )
    return rows


def _load(config: BenchConfig) -> None:
    """Fresh bench databases, migrated and loaded; with --skip-load, the last complete load of the same size."""
    if config.skip_load:
        if loaded_rows(config.db_url()) != config.rows or (
            not config.skip_peer and loaded_rows(config.db_url(config.peer_database)) != config.rows
        ):
            raise SystemExit(f"bench: --skip-load, but no complete load of {config.rows:,} rows is there")
        return
    database_recreate(config.database)
    say(f"migrating {config.database} with the project's migrations")
    app_migrate(config)
    with connect(config.db_url()) as conn:
        started = time.perf_counter()
        timings = loader.load(conn, config)
        loaded_mark(conn, config.rows)
        seconds = {name: round(value, 1) for name, value in timings.items()}
        say(f"loaded {config.rows:,} activities in {time.perf_counter() - started:.0f}s ({seconds})")
    if not config.skip_peer:
        peer_loader.venv_ensure()
        database_recreate(config.peer_database)
        peer_loader.migrate(config)
        with connect(config.db_url(config.peer_database)) as conn:
            started = time.perf_counter()
            peer_loader.load(conn, config)
            loaded_mark(conn, config.rows)
            say(f"peer: loaded in {time.perf_counter() - started:.0f}s")


def _aggiefeed_posts(server: Server, scenarios: list[Scenario], config: BenchConfig, wrk: str) -> None:
    """Live Aggiefeed posts through the project's own POST (so the rows are what it stores), when it is served."""
    post = next((s for s in scenarios if s.name == "ingest_aggiefeed_post"), None)
    if post is None or config.skip_load or config.aggiefeed_posts <= 0:
        return
    with connect(config.db_url()) as conn:
        live = conn.execute("SELECT count(*) FROM aggiefeed_post").fetchone()
    if live and live[0] >= config.aggiefeed_posts:
        return
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline:
        done = driver.run(wrk, server.url, post, BenchConfig(rounds=1, duration=5, warmup=0, connections=4, threads=2))
        with connect(config.db_url()) as conn:
            live = conn.execute("SELECT count(*) FROM aggiefeed_post").fetchone()
        stored = live[0] if live else 0
        if done.requests == 0 or stored == 0 or stored >= config.aggiefeed_posts:
            break
    say(f"aggiefeed: {stored:,} posts stored through the API (at most 60s of posting)")


def _wopi_activities(server: Server, wopi_path: str, config: BenchConfig) -> None:
    """The WOPI file's activities, sent through the project's AddActivities in batches of 100 (4 at a time)."""
    if config.skip_load or config.wopi_activities <= 0:
        return

    def batch(size: int) -> int:
        items = [
            {
                "Type": "comment",
                "Id": str(uuid.uuid4()),
                "Timestamp": "2024-01-01T00:00:00.0000000Z",
                "Data": {"ContentAction": "created", "ContentId": f"c{n}", "CommentText": f"Comment {n}"},
            }
            for n in range(size)
        ]
        request = urllib.request.Request(  # noqa: S310 - our own local server
            server.url + wopi_path,
            data=json.dumps({"Activities": items}).encode(),
            method="POST",
            headers={"X-WOPI-Override": "ADD_ACTIVITIES", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    first = batch(min(100, config.wopi_activities))
    if first != 200:
        say(f"wopi: AddActivities answered HTTP {first}; the file keeps no activities")
        return
    sizes = [100] * ((config.wopi_activities - 100) // 100) + (
        [config.wopi_activities % 100] if config.wopi_activities % 100 else []
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(batch, [s for s in sizes if s > 0]))
    say(
        f"wopi: {config.wopi_activities:,} activities sent through AddActivities ({statuses.count(200) + 1} batches OK)"
    )


def main(argv: list[str] | None = None) -> int:
    config = parse(sys.argv[1:] if argv is None else argv)
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    wrk = driver.wrk_ensure()
    if config.scaling:
        return scaling(config, wrk, command)
    _load(config)
    if config.load_only:
        return 0
    facts = _data_facts(config)
    wopi_token = _wopi_token(config)
    scenarios = build(wopi_token=wopi_token, **facts)
    if config.scenarios:
        scenarios = [s for s in scenarios if s.name in config.scenarios]
    port = config.base_port
    app_server = Server("app", APP_PYTHON, "config.wsgi", port, app_env(config))
    with app_server:
        wopi_path = f"/wopi/files/{loader.WOPI_FILE_ID}/activities?access_token={wopi_token}"
        _wopi_activities(app_server, wopi_path, config)
        _aggiefeed_posts(app_server, scenarios, config, wrk)
        # Rows that came in through the API after the load's VACUUM ANALYZE: fresh planner statistics, or the
        # WOPI file looks empty to PostgreSQL and its id look-ups pick a bad plan (autovacuum is off here).
        with connect(config.db_url()) as conn:
            conn.execute("ANALYZE activities_activity")
            conn.execute("ANALYZE activities_streamentry")
            conn.execute("ANALYZE aggiefeed_post")
        app = measure(app_server, "app", scenarios, config, wrk)
    floor_env = {**app_env(config), "PYTHONPATH": str(ROOT)}
    with Server("floor", APP_PYTHON, "bench.floor:application", port + 1, floor_env) as floor_server:
        floor = measure(floor_server, "floor", scenarios, config, wrk)
    peer: dict[str, Any] = {}
    if not config.skip_peer:
        peer_env = peer_loader.peer_env(config)
        with Server(
            "peer", peer_loader.PEER_PYTHON, "peerproject.wsgi", port + 2, peer_env, cwd=peer_loader.PEER_DIR
        ) as peer_server:
            peer = measure(peer_server, "peer", scenarios, config, wrk)
    rows = rows_of(scenarios, app, floor, peer)
    settings = {
        "command": command,
        "rows": config.rows,
        "users": config.users,
        "events": config.event_count,
        "rounds": config.rounds,
        "duration_s": config.duration,
        "warmup_s": config.warmup,
        "connections": config.connections,
        "wrk_threads": config.threads,
        "gunicorn_workers": 2,
        "cache": "redis" if redis_url() else "per-worker memory (no Redis)",
    }
    report.write(rows, config.results, settings)
    print(report.table(rows))
    if config.docs is not None:
        report.docs_update(config.docs, rows, settings)
    return 0


def scaling_rows_shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scaling rows for the table: the size and the cost relative to the smallest size in the scenario's name."""
    return [
        row | {"scenario": f"{row['scenario']} at {row['rows']:,} rows (cost x{row['cost_vs_smallest']})"}
        for row in rows
    ]


def _sized(config: BenchConfig, size: int) -> BenchConfig:
    """The scaling run's settings at one size: its own database, so that each size can be loaded ahead
    (``--load-only``) and measured later with ``--skip-load`` on a quiet machine."""
    return BenchConfig(
        **{**config.__dict__, "rows": size, "scaling": [], "skip_peer": True, "database": f"{config.database}_{size}"}
    )


def scaling(config: BenchConfig, wrk: str, command: str) -> int:
    """The stream page (and its next page) at each size: load, serve, drive; cost relative to the smallest."""
    rows: list[dict[str, Any]] = []
    for size in config.scaling:
        sized = _sized(config, size)
        started = time.perf_counter()
        _load(sized)
        load_seconds = time.perf_counter() - started
        if config.load_only:
            continue
        facts = _data_facts(sized)
        scenarios = [
            s for s in build(wopi_token=_wopi_token(sized), **facts) if s.name in ("ocs_stream", "ocs_stream_next")
        ]
        with Server("app", APP_PYTHON, "config.wsgi", config.base_port, app_env(sized)) as server:
            app = measure(server, "app", scenarios, sized, wrk)
        with Server("floor", APP_PYTHON, "bench.floor:application", config.base_port + 1, app_env(sized)) as server:
            floor = measure(server, "floor", scenarios, sized, wrk)
        for row in rows_of(scenarios, app, floor, {}):
            row |= {"rows": size, "load_seconds": round(load_seconds, 1)}
            rows.append(row)
    if config.load_only:
        return 0
    base = {r["scenario"]: r for r in rows if r["rows"] == config.scaling[0]}
    for row in rows:
        first = base.get(row["scenario"], {})
        row["cost_vs_smallest"] = _ratio(first.get("rps"), row.get("rps"))
    results = config.results.with_name("scaling.json") if config.results.name == "latest.json" else config.results
    report.write(rows, results, {"command": command, "sizes": config.scaling})
    shown = scaling_rows_shown(rows)
    print(report.table(shown))
    smallest = config.scaling[0]
    for row in rows:
        cost, seconds = row["cost_vs_smallest"], row["load_seconds"]
        print(f"{row['scenario']} at {row['rows']:,}: cost x{cost} vs {smallest:,} (load {seconds}s)")
    if config.docs is not None:
        report.docs_update(config.docs, shown, {"command": command}, marker="scaling")
    return 0
