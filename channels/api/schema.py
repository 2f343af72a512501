"""drf-spectacular description of the credential of GET /channels: a data token or a session id."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from accounts.api.schema import _raw_authorization as raw_authorization


class PryvTokenOrSessionScheme(OpenApiAuthenticationExtension):
    target_class = "channels.api.authentication.PryvTokenOrSessionAuthentication"
    name = "pryvTokenOrSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return raw_authorization(
            "A data access token's id (the activity variant) or a sessionID from POST /login (the "
            "administration variant), as the raw header value (no prefix). The `auth` query parameter is "
            "accepted when the header is absent."
        )
