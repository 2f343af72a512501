"""Writes of accounts: users, tokens and their credentials."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
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
