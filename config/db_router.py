"""Read replicas: the read-only API endpoints read from ``replica`` when that alias is configured.

A request is routed to the replica when it is a GET or HEAD on one of ``REPLICA_READ_PATHS`` (the stream
and list endpoints whose answers may lag the primary by the replication delay). Everything else, every
write, and every read inside a transaction of the primary go to ``default``, so a service that reads what
it just wrote (read-your-writes) always sees it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)
REPLICA_ALIAS = "replica"


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not use_replica.get() or REPLICA_ALIAS not in settings.DATABASES:
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"


class ReplicaRoutingMiddleware:
    """Marks safe requests on the read-only endpoints so that their reads may go to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        eligible = request.method in ("GET", "HEAD") and request.path.startswith(tuple(settings.REPLICA_READ_PATHS))
        token = use_replica.set(eligible)
        try:
            return self.get_response(request)
        finally:
            use_replica.reset(token)
