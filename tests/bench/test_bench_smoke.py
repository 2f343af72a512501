"""The benchmark must not rot: a tiny run of `python -m bench` end to end (load, gunicorn, wrk, report).

It uses databases of its own (activityhub_bench_smoke*), leaves the peer out (its venv needs the package
index) and writes its JSON to a temporary file; it takes well under two minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
KEYS = {"scenario", "rps", "p50_ms", "p99_ms", "queries", "ratio_to_floor", "ratio_to_peer"}
FLOOR_SCENARIOS = {
    "ocs_stream",
    "ocs_stream_next",
    "pryv_events",
    "pryv_folders_time_counts",
    "wopi_get_activities",
    "aggiefeed_get",
    "ingest_wopi_add_activities",
}


@pytest.mark.postgres
def test_bench_smoke_writes_latest_format_rows_with_positive_rates(tmp_path):
    results = tmp_path / "latest.json"
    command = [
        sys.executable,
        "-m",
        "bench",
        *("--rows", "2000", "--users", "50", "--events", "1000", "--wopi-activities", "100"),
        *("--aggiefeed-posts", "3", "--rounds", "1", "--duration", "2", "--warmup", "0"),
        *("--connections", "1", "--threads", "1", "--no-peer", "--database", "activityhub_bench_smoke"),
        *("--port", "18750", "--results", str(results)),
    ]

    done = subprocess.run(  # noqa: S603 - our interpreter, our benchmark
        command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=240
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(results.read_text())
    assert [row["scenario"] for row in rows] == [
        "ocs_stream",
        "ocs_stream_next",
        "pryv_events",
        "pryv_folders_time_counts",
        "wopi_get_activities",
        "aggiefeed_get",
        "ingest_wopi_add_activities",
        "ingest_aggiefeed_post",
        "ingest_events_start_stop",
    ]
    for row in rows:
        assert row.keys() >= KEYS
        assert row["available"], row
        assert row["rps"] > 0, row
        assert row["p99_ms"] >= row["p50_ms"] > 0, row
        assert row["ratio_to_peer"] is None
        if row["scenario"] in FLOOR_SCENARIOS:
            assert row["floor"]["rps"] > 0, row
            assert row["ratio_to_floor"] == pytest.approx(row["rps"] / row["floor"]["rps"], abs=0.001)
    assert rows[0]["queries"] >= 1
    assert "| ocs_stream |" in done.stdout

    # bench.profile calls the project in process on the same data: every read scenario answers as the contract says
    profiled = subprocess.run(
        [sys.executable, "-m", "bench.profile", "--database", "activityhub_bench_smoke", "--requests", "3"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert profiled.returncode == 0, profiled.stdout[-3000:] + profiled.stderr[-3000:]
    assert [line.split(":")[0] for line in profiled.stdout.splitlines() if "ms per request" in line] == [
        "ocs_stream",
        "ocs_stream_next",
        "pryv_events",
        "pryv_folders_time_counts",
        "wopi_get_activities",
        "aggiefeed_get",
    ]
