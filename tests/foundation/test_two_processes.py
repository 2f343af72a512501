"""Several processes, one truth: two gunicorn servers on one PostgreSQL and one Redis.

Sessions, login throttling, WOPI rate limits, SkipTokens and feed tokens must work whichever process
answers, because they live in the database, in the shared cache, or are signed with the shared secret.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from activities.services import feed_token_reset
from tests.factories import PASSWORD, UserFactory, WopiFileFactory
from wopi.tokens import access_token_mint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_flush() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REDIS_TEST_URL"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; CI sets REDIS_TEST_URL and runs it")


class Server:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None):
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})  # noqa: S310
        if data is not None and "Content-Type" not in request.headers:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http to our own server
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def _server_pair(django_db_setup):
    """Two app processes (one gunicorn worker each) on the test database and a shared Redis."""
    _redis_flush()
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOGIN_THROTTLE_USER_LIMIT": "3",
        "WOPI_RATE_LIMIT_PER_MINUTE": "4",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    processes, ports = [], [_free_port(), _free_port()]
    for port in ports:
        env_port = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                cwd=ROOT,
                env=env_port,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    pair = [Server(port) for port in ports]
    try:
        deadline = time.monotonic() + 30
        for server, process in zip(pair, processes, strict=True):
            while True:
                if process.poll() is not None:
                    pytest.fail(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
                try:
                    if server.request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("servers did not start within 30 s")
                time.sleep(0.2)
        yield pair
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


@pytest.fixture
def servers(_server_pair, transactional_db):
    """The two servers, with this test's rows committed and an empty shared cache."""
    _redis_flush()
    return _server_pair


def test_a_session_opened_on_one_process_works_and_ends_on_the_other(servers):
    a, b = servers
    UserFactory(username="ann")

    status, _, body = a.request("POST", "/login", {"userName": "ann", "password": PASSWORD})
    session_id = json.loads(body)["sessionID"]
    on_b = b.request("GET", "/user-info", headers={"Authorization": session_id})
    logout = b.request("POST", "/logout", {}, headers={"Authorization": session_id})
    after = a.request("GET", "/user-info", headers={"Authorization": session_id})

    assert status == 200
    assert on_b[0] == 200
    assert json.loads(on_b[2])["userName"] == "ann"
    assert logout[0] == 200
    assert after[0] == 401
    assert json.loads(after[2])["id"] == "INVALID_CREDENTIALS"


def test_failed_logins_are_counted_across_processes(servers):
    a, b = servers
    UserFactory(username="bob")
    wrong = {"userName": "bob", "password": "not-the-password"}

    statuses = [server.request("POST", "/login", wrong)[0] for server in (a, b, a)]
    throttled = b.request("POST", "/login", {"userName": "bob", "password": PASSWORD})

    assert statuses == [401, 401, 401]
    assert throttled[0] == 429
    assert int(throttled[1]["Retry-After"]) > 0
    assert json.loads(throttled[2])["id"] == "TOO_MANY_REQUESTS"


def test_the_wopi_rate_limit_is_shared_by_the_processes(servers):
    a, b = servers
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner)
    token = access_token_mint(user_id=owner.pk, file_id=str(wopi_file.pk)).token
    path = f"/wopi/files/{wopi_file.pk}?access_token={token}"

    statuses = [server.request("GET", path)[0] for server in (a, b, a, b)]
    limited = a.request("GET", path)

    assert statuses == [200, 200, 200, 200]
    assert limited[0] == 429
    assert int(limited[1]["Retry-After"]) > 0


def test_a_skiptoken_from_one_process_pages_on_the_other(servers):
    a, b = servers
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner)
    path = f"/wopi/files/{wopi_file.pk}/activities?access_token="
    ids = [str(uuid.uuid4()) for _ in range(3)]
    batch = {
        "Activities": [
            {
                "Type": "comment",
                "Id": ids[n],
                "Timestamp": f"2017-02-15T13:4{n}:13.0000000Z",
                "Data": {"CommentText": f"comment {n}", "ContentId": f"x{n}", "ContentAction": "created"},
            }
            for n in range(3)
        ]
    }
    tokens = [access_token_mint(user_id=owner.pk, file_id=str(wopi_file.pk)).token for _ in range(3)]

    added = a.request("POST", path + tokens[0], batch, headers={"X-WOPI-Override": "ADD_ACTIVITIES"})
    first = a.request("POST", path + tokens[1], {"Top": 2}, headers={"X-WOPI-Override": "GET_ACTIVITIES"})
    assert "SkipToken" in json.loads(first[2]), first[2]
    skip_token = json.loads(first[2])["SkipToken"]
    second = b.request(
        "POST", path + tokens[2], {"Top": 2, "SkipToken": skip_token}, headers={"X-WOPI-Override": "GET_ACTIVITIES"}
    )

    assert added[0] == 200, added
    assert [item["Status"] for item in json.loads(added[2])["ActivityResponses"]] == [0, 0, 0]
    assert [item["Id"] for item in json.loads(first[2])["Activities"]] == [ids[2], ids[1]]
    assert second[0] == 200
    assert [item["Id"] for item in json.loads(second[2])["Activities"]] == [ids[0]]


def test_a_feed_url_works_on_every_process_and_a_reset_ends_it_everywhere(servers):
    a, b = servers
    user = UserFactory()
    old_path = feed_token_reset(user=user)

    before = [server.request("GET", old_path)[0] for server in (a, b)]
    new_path = feed_token_reset(user=user)
    after_old = [server.request("GET", old_path)[0] for server in (a, b)]
    after_new = [server.request("GET", new_path)[0] for server in (a, b)]

    assert before == [200, 200]
    assert after_old == [404, 404]
    assert after_new == [200, 200]
