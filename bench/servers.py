"""gunicorn processes of the three contenders, all with the project's gunicorn settings (config/gunicorn.py)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.config import ROOT, VAR_DIR
from bench.db import say

LOG_DIR = VAR_DIR / "bench-logs"


class Server:
    """One gunicorn (2 workers, persistent database connections), started and stopped by the benchmark."""

    def __init__(self, name: str, python: Path, app: str, port: int, env: dict[str, str], cwd: Path = ROOT) -> None:
        self.name, self.python, self.app, self.port, self.env, self.cwd = name, python, app, port, env, cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            # No access log for any contender (the project would also format and mask each line as JSON).
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_MAX_REQUESTS": "0",
            "PYTHONPATH": str(self.cwd),
        }
        log = (LOG_DIR / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our config
            [str(self.python), "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"), self.app],
            cwd=self.cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: {self.name} did not start; see {LOG_DIR / (self.name + '.log')}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)  # noqa: S310 - our own local server
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.3)
        say(f"{self.name}: gunicorn up at {self.url} (pid {self.process.pid})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
