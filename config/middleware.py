"""Small middleware that every response needs."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimeMiddleware:
    """Adds ``Server-Time`` (decimal Unix seconds) to every response, errors included (Pryv contract §1.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Server-Time"] = f"{time.time():.3f}"
        return response
