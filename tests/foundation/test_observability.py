import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.observability import JsonFormatter, MaskSecretsFilter, mask_secrets

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_response_has_a_request_id(client):
    response = client.get("/healthz")

    assert len(response["X-Request-Id"]) == 32


def test_a_sane_client_request_id_is_kept_and_an_odd_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert kept["X-Request-Id"] == "abc-123"
    assert replaced["X-Request-Id"] != "bad id\nwith newline"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('"GET /wopi/files/1/contents?access_token=s3cr3t-token&access_token_ttl=0 HTTP/1.1" 200', "s3cr3t-token"),
        ("Authorization: ApiKey abcdefgh12345678", "abcdefgh12345678"),
        ("Authorization: Basic YW5uOnBhc3N3b3Jk", "YW5uOnBhc3N3b3Jk"),
        ("headers={'Authorization': 'c0ffee-session-id'}", "c0ffee-session-id"),
        ('{"userName": "ann", "password": "hunter2-long"}', "hunter2-long"),
        ('{"sessionID": "k4w9s8d7f6"}', "k4w9s8d7f6"),
        ("/?auth=tok3n-value&x=1", "tok3n-value"),
        ('"GET /feeds/9f8e7d6c5b4a39281706 HTTP/1.1" 200', "9f8e7d6c5b4a39281706"),
        ("Not Found: /feeds/abcdefabcdef", "abcdefabcdef"),
    ],
)
def test_secrets_are_masked_in_log_lines(line, secret):
    assert secret not in mask_secrets(line)


def test_log_records_are_masked_and_carry_the_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login %s", ("password=topsecret1",), None)

    MaskSecretsFilter().filter(record)
    formatted = JsonFormatter().format(record)

    assert "topsecret1" not in formatted
    assert '"request_id": "-"' in formatted
    assert '"message": "login password=***"' in formatted


def test_metrics_are_not_public(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_are_served_to_the_scraper_token(client, settings):
    settings.METRICS_TOKEN = "scrape-me-please"
    client.get("/healthz")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")

    assert response.status_code == 200
    assert b'activityhub_requests_total{method="GET",route="healthz",status="200"}' in response.content
    assert b"activityhub_request_db_queries" in response.content
    assert wrong.status_code == 404


def test_html_pages_get_a_content_security_policy(client):
    page = client.get("/admin/login/")
    docs = client.get("/api/docs/")

    assert "script-src 'self';" in page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "'unsafe-inline'" in docs["Content-Security-Policy"]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SECRET_KEY="p" + "r0duct10n-k3y-w1th-enough-entropy-and-length-" * 2,
        DJANGO_ALLOWED_HOSTS="hub.example.edu",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:////tmp/deploy-check.sqlite3"),
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
