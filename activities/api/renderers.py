"""Renderers and content negotiation of the OCS family: XML by default, JSON on request (contract §3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from activities.api.ocs import ocs_format, php_json, php_xml


class _OcsRenderer(BaseRenderer):
    """An OCS body in one format; ``None`` (a wire status without body: 304, 204) renders as nothing."""

    charset = "utf-8"
    encode: Callable[[Any], bytes]

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        return b"" if data is None else self.encode(data)


class OcsXmlRenderer(_OcsRenderer):
    media_type = "application/xml"
    format = "xml"
    encode = staticmethod(php_xml)


class OcsJsonRenderer(_OcsRenderer):
    media_type = "application/json"
    format = "json"
    encode = staticmethod(php_json)


class OcsContentNegotiation(BaseContentNegotiation):
    """Picks the renderer by the ``format`` parameter, else ``Accept`` (Nextcloud's rules), else XML.

    An unknown ``format`` value also selects XML here; the base view then answers it with a 400.
    """

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        wanted = ocs_format(request.query_params.get("format"), str(request.META.get("HTTP_ACCEPT", "")))
        available = list(renderers)
        renderer = next((r for r in available if r.format == wanted), available[0])
        return renderer, renderer.media_type or ""
