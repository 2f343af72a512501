"""The WOPI family's base view: proof check, token, file binding and rate limit, in the contract's order (§6).

Errors are statuses and ``X-WOPI-*`` headers with empty bodies (``config.errors.wopi_exception_handler``).
Bodies are read raw, whatever their Content-Type, because WOPI clients send JSON without one (§2).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from rest_framework.exceptions import ParseError, Throttled
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from config.errors import ExceptionHandler, wopi_exception_handler
from config.parsers import json_loads
from config.renderers import FastJSONRenderer
from wopi.api.authentication import WopiAccessTokenAuthentication, request_token
from wopi.discovery import configured_proof_keys
from wopi.errors import BodyTooLarge, InvalidAccessToken, InvalidWopiRequest, ProofCheckFailed, UnknownFile
from wopi.proof import proof_valid, timestamp_fresh, timestamp_from_header
from wopi.ratelimit import rate_limit_hit
from wopi.selectors import FileAccess, TokenReach, file_access
from wopi.tokens import AccessGrant

logger = logging.getLogger(__name__)
SERVER_VERSION = "ActivityHub-WOPI/1"


class JsonOnlyNegotiation(BaseContentNegotiation):
    """WOPI answers JSON (or raw bytes) whatever the client's Accept header says."""

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        return None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        renderer: BaseRenderer = renderers[0]
        return renderer, renderer.media_type


def proof_check(request: Request) -> None:
    """Refuse (500, contract §5) a request that the configured WOPI client did not sign, when keys are set.

    The URL is the one the client called, scheme, host, path and the raw query string. A failure with the
    discovery's keys re-reads the discovery once, in case the client rotated its keys.
    """
    keys = configured_proof_keys()
    if keys is None:
        return
    timestamp = timestamp_from_header(str(request.META.get("HTTP_X_WOPI_TIMESTAMP", "")))
    token = request_token(request)
    url = request.build_absolute_uri(request.get_full_path())
    proof = str(request.META.get("HTTP_X_WOPI_PROOF", ""))
    proof_old = str(request.META.get("HTTP_X_WOPI_PROOFOLD", ""))
    valid = proof_valid(keys=keys, token=token, url=url, timestamp=timestamp, proof=proof, proof_old=proof_old)
    if not valid and not settings.WOPI_PROOF_KEYS.strip():
        refreshed = configured_proof_keys(refresh=True)
        valid = refreshed is not None and proof_valid(
            keys=refreshed, token=token, url=url, timestamp=timestamp, proof=proof, proof_old=proof_old
        )
    if not valid:
        logger.warning("WOPI proof check failed for %s %s", request.method, request.path)
        raise ProofCheckFailed()
    if not timestamp_fresh(timestamp):
        logger.warning("WOPI proof timestamp too old for %s %s", request.method, request.path)
        raise ProofCheckFailed("proof check failed: X-WOPI-TimeStamp is older than 20 minutes")


class WopiApiView(APIView):
    """Base of every ``/wopi/files/{file_id}...`` view: ``self.access(request, file_id)`` gives the FileAccess."""

    authentication_classes = [WopiAccessTokenAuthentication]
    renderer_classes = [FastJSONRenderer]  # DRF's JSON bytes, written by orjson
    parser_classes: list[type[BaseParser]] = []
    content_negotiation_class = JsonOnlyNegotiation

    def get_exception_handler(self) -> ExceptionHandler:
        return wopi_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        proof_check(request)
        super().initial(request, *args, **kwargs)
        grant = request.auth
        if not isinstance(grant, AccessGrant) or grant.file_id != kwargs.get("file_id"):
            raise InvalidAccessToken("The access token is not valid for this file.")
        wait = rate_limit_hit(token=grant.token)
        if wait is not None:
            raise Throttled(wait=wait)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        response["X-WOPI-ServerVersion"] = SERVER_VERSION
        return response

    def access(self, request: Request, file_id: str) -> FileAccess:
        """The file as the token's user reaches it: first the one read with the user (``token_reach``), then,
        when asked again (a re-read after a concurrent write), a fresh read."""
        user = request.user
        if not isinstance(user, User):
            raise InvalidAccessToken()
        reach = getattr(request, "wopi_reach", None)
        if isinstance(reach, TokenReach) and reach.file_id == file_id and reach.user is user:
            request.wopi_reach = None  # type: ignore[attr-defined]  # read once: a re-read asks the database
            if reach.access is None:
                raise UnknownFile()
            return reach.access
        return file_access(user=user, file_id=file_id)

    def grant(self, request: Request) -> AccessGrant:
        grant = request.auth
        if not isinstance(grant, AccessGrant):
            raise InvalidAccessToken()
        return grant


def read_body(request: Request, *, limit: int) -> bytes:
    """The raw request body, at most ``limit`` bytes (413 beyond, announced or not)."""
    try:
        announced = int(str(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError as exc:
        raise InvalidWopiRequest("Content-Length is not a number.") from exc
    if announced > limit:
        raise BodyTooLarge(f"The body is larger than {limit} bytes.")
    body = request._request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge(f"The body is larger than {limit} bytes.")
    return body


def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (UTF-8, whatever the Content-Type); anything else is a 400, too large a 413."""
    raw = read_body(request, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    try:
        document = json_loads(raw)
    except ParseError as exc:
        raise InvalidWopiRequest(f"The body is not valid JSON: {str(exc)[:120]}") from exc
    if not isinstance(document, dict):
        raise InvalidWopiRequest("The body is not a JSON object.")
    return document
