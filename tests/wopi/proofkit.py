"""Signing WOPI requests as a WOPI client does, with test keys of our own (contract §5)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from wopi.proof import proof_expected

TICKS_AT_EPOCH = 621_355_968_000_000_000


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64_int(value: int) -> str:
    return base64.b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).decode()


def proof_key_element(current, old) -> str:
    c, o = current.public_key().public_numbers(), old.public_key().public_numbers()
    return (
        f'<proof-key oldvalue="ignored" oldmodulus="{b64_int(o.n)}" oldexponent="{b64_int(o.e)}" '
        f'value="ignored" modulus="{b64_int(c.n)}" exponent="{b64_int(c.e)}" />'
    )


def ticks(moment: datetime | None = None) -> int:
    moment = moment or datetime.now(UTC)
    return TICKS_AT_EPOCH + int(moment.timestamp() * 10_000_000)


def sign(key, *, token: str, url: str, timestamp: int) -> str:
    data = proof_expected(token=token, url=url, timestamp=timestamp)
    return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def proof_headers(current, old, *, token: str, url: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = ticks() if timestamp is None else timestamp
    return {
        "X-WOPI-Proof": sign(current, token=token, url=url, timestamp=timestamp),
        "X-WOPI-ProofOld": sign(old, token=token, url=url, timestamp=timestamp),
        "X-WOPI-TimeStamp": str(timestamp),
    }
