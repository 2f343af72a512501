"""Reads of accounts: who a credential belongs to and what a token may do."""

from __future__ import annotations

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare

from accounts.models import AccessToken, AppPassword, TokenPermission, User
from accounts.secrets import secret_hash


def access_token_by_secret(*, secret: str) -> AccessToken | None:
    """The active user's token whose credential is ``secret``, with its permissions (two queries), or None."""
    if not secret or len(secret) > 512:
        return None
    return (
        AccessToken.objects.filter(credentials__secret_hash=secret_hash(secret), user__is_active=True)
        .select_related("user")
        .prefetch_related(Prefetch("permissions", queryset=TokenPermission.objects.order_by("position")))
        .first()
    )


def user_by_session(*, session: SessionBase) -> User | None:
    """The active user a Django session is logged in as, or None.

    The session also carries the hash of the user's password: once the password changes, every session
    made before (but the one that changed it, which is re-hashed) stops working.
    """
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    stored_hash = session.get(HASH_SESSION_KEY) or ""
    if not constant_time_compare(stored_hash, user.get_session_auth_hash()):
        return None
    return user


def user_by_basic_credentials(*, username: str, password: str) -> User | None:
    """The active user for HTTP Basic credentials: the account password (Argon2) or one of its app passwords.

    The user name is case-insensitive. An unknown user costs one password hash anyway, so timing does not
    tell which user names exist.
    """
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        User().set_password(password)
        return None
    if AppPassword.objects.filter(user=user, secret_hash=secret_hash(password)).exists():
        return user
    return user if user.check_password(password) else None
