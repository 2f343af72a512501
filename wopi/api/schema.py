"""OpenAPI description of the WOPI access token (drf-spectacular extension, imported in WopiConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class WopiAccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "wopi.api.authentication.WopiAccessTokenAuthentication"
    name = "wopiAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "query",
            "name": "access_token",
            "description": "WOPI access token for one user and one file (also accepted as Authorization: Bearer).",
        }
