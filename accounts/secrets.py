"""High-entropy secrets (tokens, API keys, app passwords): generated here, stored only as a SHA-256 hash.

A fast hash suits a secret of 128 bits or more: nobody can brute-force it, and a lookup by hash is one
indexed query. Passwords chosen by people are different and go through Django's Argon2 hasher instead.
"""

import hashlib
import secrets


def secret_new(nbytes: int = 24) -> str:
    """A random URL-safe secret of ``nbytes`` bytes of entropy (default 192 bits)."""
    return secrets.token_urlsafe(nbytes)


def secret_hash(secret: str) -> str:
    """The hex SHA-256 digest under which a secret is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
