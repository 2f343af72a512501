"""Domain errors of accounts (Pryv ids, contract §1.8)."""

from typing import Any

from rest_framework import status

from config.errors import DomainError


class InvalidCredentials(DomainError):
    error_id = "INVALID_CREDENTIALS"
    http_status = status.HTTP_401_UNAUTHORIZED
    default_message = "The credentials are missing, invalid or expired."


class InvalidToken(DomainError):
    error_id = "INVALID_TOKEN"
    http_status = status.HTTP_401_UNAUTHORIZED
    default_message = "The access token is missing or invalid."


class ItemNameAlreadyExists(DomainError):
    error_id = "ITEM_NAME_ALREADY_EXISTS"
    default_message = "An item with that name already exists."


class ItemIdAlreadyExists(DomainError):
    error_id = "ITEM_ID_ALREADY_EXISTS"
    default_message = "An item with that id already exists."


class InvalidItemId(DomainError):
    error_id = "INVALID_ITEM_ID"
    default_message = "The item id is not valid."


class UnknownToken(DomainError):
    error_id = "UNKNOWN_TOKEN"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The access token can't be found."


class WrongPassword(DomainError):
    error_id = "WRONG_PASSWORD"
    default_message = "The current password is wrong."


class InvalidNewPassword(DomainError):
    error_id = "INVALID_NEW_PASSWORD"
    default_message = "The new password is not acceptable."


class UnknownAppPassword(DomainError):
    error_id = "UNKNOWN_RESOURCE"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The app password can't be found."


class TooManyRequests(DomainError):
    """Throttled; ``retry_after`` (seconds) goes into the ``Retry-After`` header and ``data.retryAfter``."""

    error_id = "TOO_MANY_REQUESTS"
    http_status = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = "Too many failed attempts; try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, **data: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, retryAfter=retry_after, **data)
