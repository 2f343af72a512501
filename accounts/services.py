"""Writes of accounts: users, tokens and their credentials."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.db import transaction

from accounts.models import AccessToken, AccessTokenCredential, AppPassword, User
from accounts.secrets import secret_hash, secret_new


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    language: str = "en",
    is_staff: bool = False,
    is_superuser: bool = False,
    groups: Iterable[str] = (),
) -> User:
    """Create a user with an Argon2-hashed password and put them in the named groups (created if missing)."""
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        language=language,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    group_objects = [Group.objects.get_or_create(name=name)[0] for name in groups]
    if group_objects:
        user.groups.set(group_objects)
    return user


def access_token_credential_add(*, token: AccessToken, secret: str | None = None) -> str:
    """Mint a credential for ``token`` and return it: it is stored hashed and shown only this once."""
    secret = secret or secret_new(24)
    AccessTokenCredential.objects.create(token=token, secret_hash=secret_hash(secret))
    return secret


def app_password_create(*, user: User, name: str) -> tuple[AppPassword, str]:
    """Create a Nextcloud-style app password; the secret is returned once and stored as a hash only."""
    secret = secret_new(24)
    app_password = AppPassword.objects.create(user=user, name=name, secret_hash=secret_hash(secret))
    return app_password, secret


SESSION_TOUCHED_KEY = "_pryv_touched"
SESSION_TOUCH_SECONDS = 3600


def session_touch(*, session: SessionBase, persist: bool) -> bool:
    """Extend a session's life on use (contract §3.6), writing it at most once per ``SESSION_TOUCH_SECONDS``.

    A session expires ``SESSION_COOKIE_AGE`` after its last write, so it lives at least that long minus
    the touch interval after its last use. A cookie session is saved by the session middleware; any other
    (``persist``) is saved here. Returns False when the session was ended meanwhile (nothing to extend).
    """
    now = int(time.time())
    touched = session.get(SESSION_TOUCHED_KEY)
    if isinstance(touched, int) and 0 <= now - touched < SESSION_TOUCH_SECONDS:
        return True
    session[SESSION_TOUCHED_KEY] = now
    if persist:
        try:
            session.save()
        except UpdateError:
            return False
    return True
