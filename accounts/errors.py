"""Domain errors of accounts (Pryv ids, contract §1.8)."""

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
