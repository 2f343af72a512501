"""The secret part of a personal feed URL, derived from a stored nonce (see FeedToken)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.crypto import salted_hmac

FEED_SECRET_SALT = "activities.feed-token"  # noqa: S105 - an HMAC key salt, not a secret  # nosec B105


def feed_secret(nonce: str) -> str:
    """HMAC-SHA256 of the nonce under SECRET_KEY (64 hex digits): only the hash of it is stored."""
    return salted_hmac(FEED_SECRET_SALT, nonce, algorithm="sha256").hexdigest()


def feed_path(secret: str) -> str:
    return reverse("activities-feed:feed", kwargs={"secret": secret})
