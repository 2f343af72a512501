"""Domain errors of the activity store."""

from config.errors import DomainError


class InvalidAudience(DomainError):
    error_id = "INVALID_AUDIENCE"
    default_message = "An activity must reach at least one user or group, or everyone."
