"""Drives one server with wrk (fixed connections, warm-up, rounds) and checks an answer before it counts."""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.config import BenchConfig
from bench.db import say
from bench.scenarios import Scenario

_HARNESS = """
counter = 0
tid = 0
run = {run}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
{request}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"socket_errors": %d, "status_errors": %d}}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def wrk_ensure() -> str:
    """The wrk binary; installed from Debian's packages when missing (apt-get, needs root)."""
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    try:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)  # noqa: S607
    except (OSError, subprocess.CalledProcessError):
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)  # noqa: S607
        done = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)  # noqa: S607
        if done.returncode != 0:
            raise SystemExit(
                "bench: wrk is needed and could not be installed; run `apt-get install -y wrk` as root"
            ) from None
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is needed; run `apt-get install -y wrk` as root")
    return found


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def _script(scenario: Scenario) -> str:
    if scenario.lua_request:
        request = "function request()\n" + scenario.lua_request + "\nend"
    else:
        lines = [f"wrk.method = {_lua_string(scenario.method)}"]
        if scenario.body:
            lines.append(f"wrk.body = {_lua_string(scenario.body)}")
        lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in scenario.headers.items()]
        request = "\n".join(lines)
    return _HARNESS.format(run=random.randint(1, 2**31 - 1), request=request)  # noqa: S311 - ids, not secrets


def probe(base_url: str, scenario: Scenario, path: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request as wrk would send it (static scenarios), to check the answer and read its headers."""
    data = scenario.body.encode() if scenario.method != "GET" else None
    request = urllib.request.Request(  # noqa: S310 - our own local server
        base_url + (path or scenario.path), data=data, method=scenario.method, headers=scenario.headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def run(wrk: str, base_url: str, scenario: Scenario, config: BenchConfig, path: str | None = None) -> Measure:
    """Warm-up, then ``rounds`` rounds of ``duration`` seconds; the medians of the rounds."""
    url = base_url + (path or scenario.path)
    if config.warmup > 0:
        _wrk(wrk, scenario, url, config, config.warmup)
    rounds = [_round(wrk, scenario, url, config) for _ in range(config.rounds)]
    return Measure(
        rps=statistics.median(m.rps for m in rounds),
        p50_ms=statistics.median(m.p50_ms for m in rounds),
        p99_ms=statistics.median(m.p99_ms for m in rounds),
        errors=sum(m.errors for m in rounds),
        requests=sum(m.requests for m in rounds),
    )


def _round(wrk: str, scenario: Scenario, url: str, config: BenchConfig) -> Measure:
    """One measured round; a round in which no response came back is run again, twice as long (up to 32s)."""
    seconds = config.duration
    measured = _wrk(wrk, scenario, url, config, seconds)
    while measured.requests == 0 and seconds < 32:
        seconds *= 2
        say(f"{scenario.name}: no response within {seconds / 2:g}s, measuring {seconds:g}s instead")
        measured = _wrk(wrk, scenario, url, config, seconds)
    return measured


def _wrk(wrk: str, scenario: Scenario, url: str, config: BenchConfig, seconds: float) -> Measure:
    """One wrk invocation, with a script of its own (a new run number keeps ingest ids unique across rounds)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(_script(scenario))
        script = handle.name
    command = [
        wrk,
        f"-t{config.threads}",
        f"-c{config.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        script,
        url,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    finally:
        Path(script).unlink(missing_ok=True)
    match = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if match is None:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: wrk gave no result for {url}")
    data = json.loads(match.group(1))
    seconds_run = data["duration_us"] / 1e6
    return Measure(
        rps=data["requests"] / seconds_run if seconds_run else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["socket_errors"] + data["status_errors"],
        requests=data["requests"],
    )
