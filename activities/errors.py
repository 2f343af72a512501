"""Domain errors of the activity store."""

from rest_framework import status

from config.errors import DomainError


class UnknownFilter(DomainError):
    """The stream filter is neither a built-in one (all, self, by, filter) nor a registered source."""

    error_id = "UNKNOWN_FILTER"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The filter is unknown."


class ForeignSince(DomainError):
    """The ``since`` cursor names an activity that exists but is not in the reader's stream."""

    error_id = "FOREIGN_SINCE"
    http_status = status.HTTP_403_FORBIDDEN
    default_message = "The since activity belongs to a different user."
