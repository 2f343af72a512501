"""Domain errors of Aggiefeed: ``error_id`` is the contract's slug code (§1), ``details`` name the fields."""

from rest_framework import status

from config.errors import DomainError


class InvalidActivity(DomainError):
    """The activity breaks a field rule; pass ``details=[{"field", "problem"}]``."""

    error_id = "validation_error"
    http_status = status.HTTP_400_BAD_REQUEST
    default_message = "The activity is invalid."


class BadParameter(DomainError):
    error_id = "bad_parameter"
    http_status = status.HTTP_400_BAD_REQUEST
    default_message = "A query parameter is missing or invalid."


class Forbidden(DomainError):
    error_id = "forbidden"
    http_status = status.HTTP_403_FORBIDDEN
    default_message = "You may not do this."


class UnknownActivity(DomainError):
    error_id = "not_found"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "No matching activity."


class DuplicateActivity(DomainError):
    error_id = "duplicate"
    http_status = status.HTTP_409_CONFLICT
    default_message = "An activity with this object.id already exists; update it with PUT."
