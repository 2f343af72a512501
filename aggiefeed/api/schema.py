"""How the Aggiefeed credentials appear in the OpenAPI document (STYLE.md §4)."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "aggiefeed.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="ApiKey",  # noqa: S106 - the scheme name, not a secret  # nosec B106
        )
        return definition


class ModeratorSessionScheme(OpenApiAuthenticationExtension):
    target_class = "aggiefeed.api.authentication.ModeratorSessionAuthentication"
    name = "aggiefeedModeratorSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The Django admin session of a source's approver (send the CSRF token on POST).",
        }
