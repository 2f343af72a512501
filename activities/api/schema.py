"""OpenAPI description of the OCS family's Basic authentication (drf-spectacular extension)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OcsBasicAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "activities.api.authentication.OcsBasicAuthentication"
    name = "ocsBasicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Login name and password, or login name and an app password (OCS endpoints)",
        }
