"""WOPI access tokens: one user, one file, an absolute expiry; signed, so nothing is stored.

A token is ``django.core.signing`` output over ``{"u": user id, "f": file id, "e": expiry in ms}``, written
in hex so that it holds ASCII letters and digits only (every encoding a WOPI client may apply to it in a URL
then coincides, contract §5.7). A token minted from another one keeps that one's expiry (§16.4).
"""

from __future__ import annotations

import binascii
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "wopi.access-token"
_MAX_TOKEN_CHARS = 2048


@dataclass(frozen=True)
class AccessGrant:
    """What a valid token says: who, which file, until when (ms since the epoch), and the token itself."""

    user_id: int
    file_id: str
    expires_ms: int
    token: str


def now_ms() -> int:
    return int(time.time() * 1000)


def access_token_mint(*, user_id: int, file_id: str, expires_ms: int | None = None) -> AccessGrant:
    """A new token for ``user_id`` on ``file_id``, valid ``WOPI_TOKEN_TTL_SECONDS`` unless an expiry is given."""
    expires = expires_ms if expires_ms is not None else now_ms() + settings.WOPI_TOKEN_TTL_SECONDS * 1000
    signed = signing.dumps({"u": user_id, "f": file_id, "e": expires}, salt=_SALT)
    return AccessGrant(user_id=user_id, file_id=file_id, expires_ms=expires, token=signed.encode("ascii").hex())


def access_token_read(token: str) -> AccessGrant | None:
    """The grant of a genuine, unexpired token, or None for anything else (forged, truncated, expired)."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    try:
        signed = binascii.unhexlify(token).decode("ascii")
        payload = signing.loads(signed, salt=_SALT)
    except (ValueError, binascii.Error, signing.BadSignature):
        return None
    if not isinstance(payload, dict):
        return None
    user_id, file_id, expires = payload.get("u"), payload.get("f"), payload.get("e")
    if not isinstance(user_id, int) or not isinstance(file_id, str) or not isinstance(expires, int):
        return None
    if expires <= now_ms():
        return None
    return AccessGrant(user_id=user_id, file_id=file_id, expires_ms=expires, token=token)
