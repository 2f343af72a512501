"""The results table: stdout, bench/results/latest.json, and the generated part of docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path
from typing import Any

COLUMNS = ["scenario", "rps", "p50_ms", "p99_ms", "queries", "ratio_to_floor", "ratio_to_peer"]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the rows (also readable on a terminal); unavailable scenarios say so."""
    header = [*COLUMNS, "floor rps", "floor p99", "peer rps", "note"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        floor, peer = row.get("floor") or {}, row.get("peer") or {}
        cells = [_cell(row.get(key)) for key in COLUMNS]
        cells += [_cell(floor.get("rps")), _cell(floor.get("p99_ms")), _cell(peer.get("rps")), row.get("note", "")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    except OSError:
        pg = "PostgreSQL"
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, Linux {platform.release()}, Python {platform.python_version()}, "
        f"{pg}; load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )


def write(rows: list[dict[str, Any]], results: Path, settings: dict[str, Any]) -> None:
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(rows, indent=2) + "\n")
    meta = {"taken": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(), "settings": settings}
    results.with_name(results.stem + ".meta.json").write_text(json.dumps(meta, indent=2) + "\n")


def docs_update(docs: Path, rows: list[dict[str, Any]], settings: dict[str, Any], marker: str = "latest") -> None:
    """Replace the generated block ``<!-- bench:{marker} -->`` of the page with this run's table."""
    block = (
        f"<!-- bench:{marker} -->\n"
        f"Taken {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}.\n"
        f"Run: `{settings.get('command', '')}`\n\n{table(rows)}\n"
        f"<!-- /bench:{marker} -->"
    )
    text = docs.read_text() if docs.exists() else ""
    pattern = re.compile(rf"<!-- bench:{marker} -->.*?<!-- /bench:{marker} -->", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    docs.write_text(text)
