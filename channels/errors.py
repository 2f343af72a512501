"""Domain errors of channels, with the Pryv ids of the contract (§1.8).

Rule of thumb: an unknown thing named in the path is a 404, one referenced from the body or the query is
a 400; what a token may not see is unknown to it, what it may see but not change is 403 FORBIDDEN.
The ids both Pryv apps raise (ITEM_NAME_ALREADY_EXISTS, ITEM_ID_ALREADY_EXISTS, INVALID_ITEM_ID) are
accounts' classes, imported from ``accounts.errors``.
"""

from rest_framework import status

from config.errors import DomainError


class UnknownChannel(DomainError):
    error_id = "UNKNOWN_CHANNEL"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The channel can't be found."


class UnknownFolder(DomainError):
    error_id = "UNKNOWN_FOLDER"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The folder can't be found in this channel."


class UnknownReferencedFolder(DomainError):
    error_id = "UNKNOWN_FOLDER"
    default_message = "The referenced folder can't be found in this channel."


class UnknownEvent(DomainError):
    error_id = "UNKNOWN_EVENT"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The event can't be found in this channel."


class UnknownReferencedEvent(DomainError):
    error_id = "UNKNOWN_EVENT"
    default_message = "The referenced event can't be found in this channel."


class UnknownAttachment(DomainError):
    error_id = "UNKNOWN_ATTACHMENT"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The attached file can't be found for this event."


class Forbidden(DomainError):
    error_id = "FORBIDDEN"
    http_status = status.HTTP_403_FORBIDDEN
    default_message = "The access token does not grant permission for this operation."


class InvalidOperation(DomainError):
    error_id = "INVALID_OPERATION"
    default_message = "The operation is not allowed in the current state of the data."


class PeriodsOverlap(DomainError):
    error_id = "PERIODS_OVERLAP"
    default_message = "The period would overlap other periods of the channel."


class MissingParameter(DomainError):
    error_id = "MISSING_PARAMETER"
    default_message = "A required parameter is missing."


class MissingFolder(DomainError):
    error_id = "MISSING_FOLDER"
    default_message = "A folder is required to start a period."


class InvalidParametersFormat(DomainError):
    """A parameter a serializer could not judge alone; rendered like a serializer's error, one item."""

    error_id = "INVALID_PARAMETERS_FORMAT"
    default_message = "The parameters' format is invalid."

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


class AttachmentTooLarge(DomainError):
    error_id = "REQUEST_TOO_LARGE"
    http_status = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_message = "The attached file is larger than the configured limit."
