"""Domain errors of the WOPI host: a status and ``X-WOPI-*`` headers, never a body (contract §4, §6).

``data["headers"]`` carries the headers the WOPI formatter adds (``X-WOPI-Lock`` on a lock conflict).
"""

from __future__ import annotations

from typing import Any

from rest_framework import status

from config.errors import DomainError

WWW_AUTHENTICATE = 'Bearer realm="WOPI"'


class InvalidAccessToken(DomainError):
    """A 401 carries ``WWW-Authenticate`` (RFC 9110 §11.6.1 requires it), as every 401 of this family does."""

    error_id = "INVALID_ACCESS_TOKEN"
    http_status = status.HTTP_401_UNAUTHORIZED
    default_message = "The access token is missing, invalid, expired or not valid for this file."

    def __init__(self, message: str | None = None, **data: Any) -> None:
        data.setdefault("headers", {"WWW-Authenticate": WWW_AUTHENTICATE})
        super().__init__(message, **data)


class WriteNotAllowed(InvalidAccessToken):
    """The token's user may read the file but not change it: the token does not grant the write (§6 step 5)."""

    error_id = "WRITE_NOT_ALLOWED"
    default_message = "This user may not change the file."


class UnknownFile(DomainError):
    error_id = "UNKNOWN_FILE"
    http_status = status.HTTP_404_NOT_FOUND
    default_message = "The file does not exist or this user may not open it."


class ProofCheckFailed(DomainError):
    """The request is not signed by the configured WOPI client (§5): a handled refusal, answered 500."""

    error_id = "PROOF_CHECK_FAILED"
    http_status = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_message = "proof check failed"


class UnsupportedOperation(DomainError):
    error_id = "UNSUPPORTED_OPERATION"
    http_status = status.HTTP_501_NOT_IMPLEMENTED
    default_message = "The X-WOPI-Override operation is not supported on this URL."


class InvalidWopiRequest(DomainError):
    error_id = "INVALID_REQUEST"
    http_status = status.HTTP_400_BAD_REQUEST
    default_message = "The request is malformed."


class UserInfoTooLong(InvalidWopiRequest):
    """PutUserInfo past 1024 characters: a 400 (contract §16.7), however long the body."""

    error_id = "USER_INFO_TOO_LONG"
    default_message = "UserInfo is longer than 1024 characters."


class BodyTooLarge(DomainError):
    error_id = "BODY_TOO_LARGE"
    http_status = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_message = "The request body is too large."


class FileLargerThanExpected(DomainError):
    error_id = "FILE_LARGER_THAN_EXPECTED"
    http_status = status.HTTP_412_PRECONDITION_FAILED
    default_message = "The file is larger than X-WOPI-MaxExpectedSize."


class LockMismatch(DomainError):
    """A lock conflict (§16.2): 409 with ``X-WOPI-Lock`` set to the current lock, empty when unlocked."""

    error_id = "LOCK_MISMATCH"
    http_status = status.HTTP_409_CONFLICT
    default_message = "The lock does not match."

    def __init__(self, current_lock: str, reason: str | None = None) -> None:
        super().__init__(
            reason,
            headers={"X-WOPI-Lock": current_lock, "X-WOPI-LockFailureReason": reason or self.default_message},
        )


class InvalidFileName(DomainError):
    error_id = "INVALID_FILE_NAME"
    http_status = status.HTTP_400_BAD_REQUEST
    default_message = "The file name is not allowed."


class FileNameTaken(DomainError):
    error_id = "FILE_NAME_TAKEN"
    http_status = status.HTTP_409_CONFLICT
    default_message = "A file with that name already exists."
