"""Request ids, structured logs with secrets masked, and Prometheus metrics.

Every response carries ``X-Request-Id`` (the client's, when it sent a sane one, else a new one) and every
log line written while serving the request carries it too. Secrets never reach a log: tokens, API keys,
passwords, session ids and ``access_token`` query values are masked by a filter on every handler.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

_SECRET_PATTERNS = [
    # query and form values: access_token=…, auth=…, password=…, token=…, apikey=…, sessionID=…
    re.compile(
        r"(?i)((?:access_token|access_token_ttl_secret|auth|password|passwd|oldPassword|newPassword|token|"
        r"api_?key|sessionid|secret)=)[^&\s\"']+"
    ),
    # JSON values: "password": "…", "sessionID": "…", "id": only for tokens is not knowable, so key names
    re.compile(
        r"(?i)(\"(?:password|oldPassword|newPassword|sessionID|secret|token|apiKey|access_token)\"\s*:\s*\")"
        r"[^\"]*"
    ),
    # headers: Authorization: Basic …, ApiKey …, Bearer …, or a raw value
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(?:basic|bearer|apikey)\s+)?[^\s\"',}]+"),
    re.compile(r"(?i)(\b(?:ApiKey|Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # the secret path of a personal Atom feed
    re.compile(r"(/feeds/)[^/\s?\"']+"),
]


def mask_secrets(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class MaskSecretsFilter(logging.Filter):
    """Rewrites each record's message with secrets masked and stamps it with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a badly formatted record is still logged, as Django would
            message = str(record.msg)
        record.msg = mask_secrets(message)
        record.args = None
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the exception, masked)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = mask_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RequestIdMiddleware:
    """Gives each request an id (``X-Request-Id``), visible in its response and in every log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")  # not request.headers: it copies every header
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-Id"] = request_id
        return response


def _registry() -> CollectorRegistry:
    """The registry to expose: the multi-process one under gunicorn (PROMETHEUS_MULTIPROC_DIR), else the default."""
    from prometheus_client import REGISTRY, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


REQUESTS = Counter("activityhub_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "activityhub_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Histogram(
    "activityhub_request_db_queries", "SQL queries per request", ["route"], buckets=(0, 1, 2, 3, 5, 8, 13, 21, 50)
)


class MetricsMiddleware:
    """Counts requests, latencies and SQL queries per route (the URL pattern, never the raw path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unrouted"
        REQUESTS.labels(request.method or "-", route, str(response.status_code)).inc()
        LATENCY.labels(request.method or "-", route).observe(elapsed)
        QUERIES.labels(route).observe(queries)
        return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for a scraper holding ``METRICS_TOKEN`` (Bearer) or a staff session; 404 to others."""
    expected = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    allowed = bool(expected) and constant_time_compare(header, f"Bearer {expected}")
    user = getattr(request, "user", None)
    if not allowed and not (user is not None and user.is_authenticated and user.is_staff):
        return HttpResponseNotFound(b"", content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
