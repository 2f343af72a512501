"""Settings of one benchmark run, from the command line; the defaults are the issue's."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VAR_DIR = ROOT / "var"
RESULTS_DIR = BENCH_DIR / "results"
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
PEER_VENV = VAR_DIR / "bench-peer-venv"


def _admin_url() -> str:
    """The PostgreSQL server to create the bench databases on: BENCH_PG_URL, else DATABASE_URL's server."""
    if os.environ.get("BENCH_PG_URL"):
        return os.environ["BENCH_PG_URL"]
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith(("postgres://", "postgresql://")):
        return database.rsplit("/", 1)[0] + "/postgres"
    return "postgres://postgres@127.0.0.1:5432/postgres"


PG_ADMIN_URL = _admin_url()
# Secrets of the bench databases only: derived, so that the floor and the peer can present them too.
SECRET_KEY = "bench-secret-key-not-for-production-" + "b" * 32
METRICS_TOKEN = "bench-metrics-token"  # noqa: S105 - a fixed token of the throw-away bench server


@dataclass
class BenchConfig:
    rows: int = 1_000_000
    users: int = 1_000
    events: int | None = None
    wopi_activities: int = 10_000
    aggiefeed_posts: int = 2_000
    rounds: int = 3
    duration: float = 10.0
    warmup: float = 3.0
    connections: int = 16
    threads: int = 2
    database: str = "activityhub_bench"
    peer_database: str = "activityhub_bench_peer"
    skip_load: bool = False
    load_only: bool = False
    skip_peer: bool = False
    skip_floor: bool = False
    scenarios: list[str] = field(default_factory=list)
    scaling: list[int] = field(default_factory=list)
    results: Path = RESULTS_DIR / "latest.json"
    docs: Path | None = None
    base_port: int = 18700

    @property
    def event_count(self) -> int:
        """200,000 events beside 1,000,000 activities, in proportion for other sizes (at least 1,000)."""
        if self.events is not None:
            return self.events
        return max(1_000, self.rows // 5)

    def db_url(self, name: str | None = None) -> str:
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{name or self.database}"
