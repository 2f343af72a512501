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


class ContentSecurityPolicyMiddleware:
    """Adds a strict Content-Security-Policy to HTML pages that did not set their own.

    The browser pages load scripts and styles from this origin only; the API documentation pages, whose
    vendored bundles start from a small inline script, may run inline scripts and their blob workers.
    """

    STRICT = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    DOCS = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and response.get("Content-Type", "").startswith("text/html"):
            docs = request.path.startswith(("/api/docs/", "/api/redoc/"))
            response["Content-Security-Policy"] = self.DOCS if docs else self.STRICT
        return response
