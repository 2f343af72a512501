"""drf-spectacular descriptions of the Pryv credentials: a raw ``Authorization`` value, no scheme prefix."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def _raw_authorization(description: str) -> dict[str, str]:
    """OpenAPI 3.0 cannot say "the raw header value": an apiKey in the Authorization header, described."""
    return {"type": "apiKey", "in": "header", "name": "Authorization", "description": description}


class PryvSessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.PryvSessionAuthentication"
    name = "pryvSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return _raw_authorization(
            "The sessionID returned by POST /login, as the raw header value (no prefix). The `auth` query "
            "parameter is accepted when the header is absent; a browser may use its session cookie instead "
            "(with the CSRF token on unsafe methods)."
        )


class PryvTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.PryvTokenAuthentication"
    name = "pryvToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return _raw_authorization(
            "A data access token's id (its credential), as the raw header value (no prefix). The `auth` "
            "query parameter is accepted when the header is absent."
        )
