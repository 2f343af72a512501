"""``python -m bench.profile``: the project's own cost per request, in process, without gunicorn or wrk.

Calls ``config.wsgi.application`` directly with the benchmark's requests on the loaded bench database (run
``make bench`` once first), and prints the mean time per request of each read scenario; ``--profile`` adds
the functions that cost most (cProfile). The figures are the Python and SQL round-trip cost one worker pays,
which is what the framework work of the hot paths changes; the benchmark's table stays the measure of record.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench import loader
from bench.config import BenchConfig
from bench.db import app_env, loaded_rows
from bench.scenarios import Scenario, build

READS = (
    "ocs_stream",
    "ocs_stream_next",
    "pryv_events",
    "pryv_folders_time_counts",
    "wopi_get_activities",
    "aggiefeed_get",
)


def _environ(scenario: Scenario) -> dict[str, Any]:
    path, _, query = scenario.path.partition("?")
    body = scenario.body.encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scenario.method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in scenario.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
    return environ


def _call(application: Callable[..., Any], scenario: Scenario) -> str:
    status: list[str] = []
    body = b"".join(application(_environ(scenario), lambda s, h, *a: status.append(s)))
    if not status or int(status[0][:3]) not in scenario.expect:
        raise SystemExit(f"bench.profile: {scenario.name} answered {status[:1]} {body[:300]!r}")
    return status[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario")
    parser.add_argument("--scenarios", default=",".join(READS))
    parser.add_argument("--profile", action="store_true", help="print the costliest functions (cProfile)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime or cumulative")
    parser.add_argument("--database", default="activityhub_bench")
    parser.add_argument("--floor", action="store_true", help="call the floor (bench/floor.py) instead")
    args = parser.parse_args(argv)
    config = BenchConfig(database=args.database)
    if loaded_rows(config.db_url()) is None:
        raise SystemExit("bench.profile: no loaded bench database; run `make bench` (any --rows) first")
    os.environ.update(app_env(config))
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bench-profile-metrics-"))
    import django

    django.setup()
    from bench import floor
    from bench.cli import _data_facts
    from config import wsgi

    application: Callable[..., Any] = floor.application if args.floor else wsgi.application
    from wopi.tokens import access_token_mint

    token = access_token_mint(user_id=1, file_id=loader.WOPI_FILE_ID, expires_ms=4102444800000).token
    wanted = [s for s in args.scenarios.split(",") if s]
    scenarios = [s for s in build(wopi_token=token, **_data_facts(config)) if s.name in wanted]
    for scenario in scenarios:
        for _ in range(20):
            _call(application, scenario)
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for _ in range(args.requests):
            _call(application, scenario)
        if profiler is not None:
            profiler.disable()
        spent = (time.perf_counter() - started) / args.requests
        print(f"{scenario.name}: {spent * 1000:.2f} ms per request ({args.requests} requests)", flush=True)
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
