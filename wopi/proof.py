"""Proof keys (contract §5): is a request really signed by the configured WOPI client?

The expected proof is ``len(token) + token + len(URL) + URL upper-cased + 8 + timestamp`` (lengths as 4-byte
big-endian integers, the timestamp as an 8-byte one), signed with RSA PKCS#1 v1.5 over SHA-256. A request
passes when X-WOPI-Proof verifies with the current key, X-WOPI-ProofOld with the current key, or
X-WOPI-Proof with the old key, and its X-WOPI-TimeStamp (.NET ticks) is at most 20 minutes old.
"""

from __future__ import annotations

import base64
import binascii
import functools
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

import defusedxml.ElementTree  # type: ignore[import-untyped]
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_TICKS_AT_EPOCH = 621_355_968_000_000_000
_TICKS_PER_SECOND = 10_000_000
MAX_AGE_TICKS = 20 * 60 * _TICKS_PER_SECOND
_MAX_TICKS = 2**63 - 1
_MAX_TICKS_DIGITS = len(str(_MAX_TICKS))


@dataclass(frozen=True)
class ProofKeys:
    """The WOPI client's current public key and, while it rotates, the previous one."""

    current: rsa.RSAPublicKey
    old: rsa.RSAPublicKey | None


def _public_key(modulus_b64: str, exponent_b64: str) -> rsa.RSAPublicKey:
    modulus = int.from_bytes(base64.b64decode(modulus_b64, validate=True), "big")
    exponent = int.from_bytes(base64.b64decode(exponent_b64, validate=True), "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


def proof_keys_from_attributes(attributes: dict[str, str]) -> ProofKeys | None:
    """Keys from a ``<proof-key>`` element's attributes (``modulus``/``exponent``, ``oldmodulus``/``oldexponent``).

    Without a current pair there is nothing to check against: None. Malformed Base64 raises ValueError.
    """
    modulus, exponent = attributes.get("modulus", ""), attributes.get("exponent", "")
    if not modulus or not exponent:
        return None
    try:
        current = _public_key(modulus, exponent)
        old_modulus, old_exponent = attributes.get("oldmodulus", ""), attributes.get("oldexponent", "")
        old = _public_key(old_modulus, old_exponent) if old_modulus and old_exponent else None
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"invalid proof key: {exc}") from exc
    return ProofKeys(current=current, old=old)


@functools.lru_cache(maxsize=8)
def proof_keys_from_element(element_xml: str) -> ProofKeys | None:
    """Keys from the text of a ``<proof-key .../>`` element (the ``WOPI_PROOF_KEYS`` setting); cached per text."""
    if not element_xml.strip():
        return None
    element = defusedxml.ElementTree.fromstring(element_xml.strip())
    return proof_keys_from_attributes(dict(element.attrib))


def proof_expected(*, token: str, url: str, timestamp: int) -> bytes:
    token_bytes = token.encode("utf-8")
    url_bytes = url.upper().encode("utf-8")
    return b"".join(
        [
            struct.pack(">i", len(token_bytes)),
            token_bytes,
            struct.pack(">i", len(url_bytes)),
            url_bytes,
            struct.pack(">i", 8),
            struct.pack(">q", timestamp),
        ]
    )


def _verifies(key: rsa.RSAPublicKey | None, signature_b64: str, expected: bytes) -> bool:
    if key is None or not signature_b64:
        return False
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, expected, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def proof_valid(*, keys: ProofKeys, token: str, url: str, timestamp: int, proof: str, proof_old: str) -> bool:
    """Whether the signatures prove the request (freshness is checked apart, by ``timestamp_fresh``)."""
    expected = proof_expected(token=token, url=url, timestamp=timestamp)
    return (
        _verifies(keys.current, proof, expected)
        or _verifies(keys.current, proof_old, expected)
        or _verifies(keys.old, proof, expected)
    )


def timestamp_from_header(value: str) -> int:
    """X-WOPI-TimeStamp as ticks; 0 (which no proof matches and which is never fresh) unless it is ASCII digits
    that fit the 8-byte signed integer the proof is built over."""
    if not value.isascii() or not value.isdigit() or len(value) > _MAX_TICKS_DIGITS:
        return 0
    ticks = int(value)
    return ticks if ticks <= _MAX_TICKS else 0


def ticks_now() -> int:
    now = datetime.now(UTC)
    return _TICKS_AT_EPOCH + int(now.timestamp() * _TICKS_PER_SECOND)


def timestamp_fresh(timestamp: int) -> bool:
    """At most 20 minutes old (and not from the future beyond the same margin, which no honest clock sends)."""
    return abs(ticks_now() - timestamp) <= MAX_AGE_TICKS
