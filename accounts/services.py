"""Writes of accounts: users, sessions, passwords, data access tokens and app passwords."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.errors import (
    InvalidCredentials,
    InvalidItemId,
    InvalidNewPassword,
    ItemIdAlreadyExists,
    ItemNameAlreadyExists,
    UnknownAppPassword,
    WrongPassword,
)
from accounts.models import AccessToken, AccessTokenCredential, AppPassword, TokenPermission, User
from accounts.secrets import secret_hash, secret_new
from accounts.selectors import ChannelGrant, token_get, user_by_password
from accounts.throttle import login_attempt_begin, login_attempt_succeeded

SESSION_TOUCHED_KEY = "_pryv_touched"
SESSION_TOUCH_SECONDS = 3600
CLIENT_TOKEN_ID = re.compile(r"^[a-zA-Z0-9._-]{32,100}$")


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


def user_info_update(
    *, user: User, email: str | None = None, display_name: str | None = None, language: str | None = None
) -> User:
    """Change the given fields of a user's info (contract §3.7); the caller validated their format."""
    changes = {"email": email, "display_name": display_name, "language": language}
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(user, name, changes[name])
    if fields:
        user.save(update_fields=fields)
    return user


def session_store(session_key: str | None = None) -> SessionBase:
    """A store of the configured session engine (database, or the shared cache when REDIS_URL is set)."""
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def login_check(*, username: str, password: str, address: str) -> User:
    """The user whose name (any case) and password these are, throttled per name and address.

    Unknown user and wrong password are the same ``INVALID_CREDENTIALS``; past the throttle's limits it is
    ``TOO_MANY_REQUESTS``, even with the right password.
    """
    login_attempt_begin(username=username, address=address)
    user = user_by_password(username=username, password=password)
    if user is None:
        raise InvalidCredentials("The user name or password is wrong.")
    login_attempt_succeeded(username=username, address=address)
    return user


def session_fill(*, session: SessionBase, user: User) -> None:
    """Log ``user`` into ``session`` the way django.contrib.auth does, so both auth paths read it."""
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_TOUCHED_KEY] = int(time.time())


def session_create(*, user: User) -> str:
    """Open an administration session for ``user`` and return its id, the ``sessionID`` (contract §9.1)."""
    session = session_store()
    session_fill(session=session, user=user)
    session.create()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    assert session.session_key is not None  # noqa: S101 - create() always sets it; narrows the type  # nosec B101
    return session.session_key


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


def session_end(*, session: SessionBase) -> None:
    """End a session (logout): it is deleted from the store, so its id no longer authenticates."""
    session.flush()


@transaction.atomic
def password_change(
    *, user: User, session: SessionBase, persist: bool, old_password: str, new_password: str, address: str
) -> None:
    """Change the user's password (contract §9.4); every other session of the user ends, ``session`` stays.

    The old password is checked under the login throttle (so the endpoint cannot be used to guess it);
    a wrong one is ``WRONG_PASSWORD``; a new one that a validator of ``AUTH_PASSWORD_VALIDATORS`` refuses
    is ``INVALID_NEW_PASSWORD`` with the validators' messages. Sessions carry a hash of the password, so
    changing it ends the others; ``session`` is re-hashed (and saved here when ``persist``). The user row
    is locked so that two changes cannot interleave.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    login_attempt_begin(username=user.username, address=address)
    if not user.check_password(old_password):
        raise WrongPassword()
    login_attempt_succeeded(username=user.username, address=address)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidNewPassword(messages=list(exc.messages)) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if persist:
        session.save()
    else:
        session.cycle_key()


def _permission_rows(token: AccessToken, grants: Sequence[ChannelGrant]) -> list[TokenPermission]:
    rows: list[TokenPermission] = []
    for grant in grants:
        rows.append(TokenPermission(token=token, position=len(rows), channel_ref=grant.channel_ref, level=grant.level))
        rows.extend(
            TokenPermission(
                token=token,
                position=len(rows) + index,
                channel_ref=grant.channel_ref,
                folder_scoped=True,
                folder_ref=folder.folder_ref,
                level=folder.level,
            )
            for index, folder in enumerate(grant.folders)
        )
    for position, row in enumerate(rows):
        row.position = position
    return rows


def access_token_credential_add(*, token: AccessToken, secret: str | None = None) -> str:
    """Mint a credential for ``token`` (``secret``, else a random one) and return it: stored hashed, shown once.

    A credential that any token already has is ``ITEM_ID_ALREADY_EXISTS`` (the unique hash decides).
    """
    secret = secret or secret_new(24)
    try:
        with transaction.atomic():
            AccessTokenCredential.objects.create(token=token, secret_hash=secret_hash(secret))
    except IntegrityError as exc:
        raise ItemIdAlreadyExists("A token with that id already exists.") from exc
    return secret


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    kind: str = AccessToken.Kind.SHARED,
    grants: Sequence[ChannelGrant] = (),
    secret: str | None = None,
) -> tuple[AccessToken, str]:
    """Create a data access token and return it with its credential, shown once (contract §3.5, §9.6).

    A client-chosen credential must match ``[a-zA-Z0-9._-]`` and be 32 to 100 characters long
    (``INVALID_ITEM_ID``) and be unused (``ITEM_ID_ALREADY_EXISTS``); names are unique per user
    (``ITEM_NAME_ALREADY_EXISTS``, enforced by the database). A personal token has no permission rows.
    """
    if secret is not None and not CLIENT_TOKEN_ID.match(secret):
        raise InvalidItemId("A token id must be 32 to 100 characters among letters, digits, '.', '_' and '-'.")
    try:
        with transaction.atomic():
            token = AccessToken.objects.create(user=user, name=name, kind=kind)
    except IntegrityError as exc:
        raise ItemNameAlreadyExists(f"A token named '{name}' already exists.") from exc
    credential = access_token_credential_add(token=token, secret=secret)
    if kind == AccessToken.Kind.SHARED:
        TokenPermission.objects.bulk_create(_permission_rows(token, grants))
    return token, credential


@transaction.atomic
def token_personal_mint(*, user: User, name: str) -> str:
    """A new credential of the user's personal token ``name``, creating the token if missing (§9.6).

    Each call mints a further credential (a credential is only ever shown once); they all stay valid
    until the token is deleted. A shared token of that name is ``ITEM_NAME_ALREADY_EXISTS``.
    """
    token, _ = AccessToken.objects.get_or_create(user=user, name=name, defaults={"kind": AccessToken.Kind.PERSONAL})
    if token.kind != AccessToken.Kind.PERSONAL:
        raise ItemNameAlreadyExists(f"A shared token named '{name}' already exists.")
    return access_token_credential_add(token=token)


@transaction.atomic
def token_update(
    *,
    user: User,
    ref: str,
    name: str | None = None,
    kind: str | None = None,
    grants: Sequence[ChannelGrant] | None = None,
) -> AccessToken:
    """Change a token's name, type and/or permissions (replaced whole); its credentials never change.

    The token row is locked, so two updates of its permissions cannot interleave. Turning a token
    personal drops its permission rows (a personal token has every right of its owner).
    """
    token = token_get(user=user, ref=ref, for_update=True)
    fields: list[str] = []
    if name is not None and name != token.name:
        token.name = name
        fields.append("name")
    if kind is not None and kind != token.kind:
        token.kind = kind
        fields.append("kind")
    if fields:
        try:
            with transaction.atomic():
                token.save(update_fields=[*fields, "modified"])
        except IntegrityError as exc:
            raise ItemNameAlreadyExists(f"A token named '{name}' already exists.") from exc
    if token.kind == AccessToken.Kind.PERSONAL:
        token.permissions.all().delete()
    elif grants is not None:
        token.permissions.all().delete()
        TokenPermission.objects.bulk_create(_permission_rows(token, grants))
        if not fields:
            token.save(update_fields=["modified"])
    return token


@transaction.atomic
def token_delete(*, user: User, ref: str) -> None:
    """Delete a token at once (no trash), with all its credentials and permissions."""
    token_get(user=user, ref=ref, for_update=True).delete()


@transaction.atomic
def token_permissions_drop(*, user: User, channel_ref: str, folder_refs: Iterable[str] | None = None) -> int:
    """Drop the permission entries of the user's tokens that name a permanently deleted item (§7.6).

    Without ``folder_refs`` every entry naming the channel goes; with them, the entries of those folders.
    A channel permission whose folder entries all go is dropped whole: left alone, its channel-wide level
    would then apply to the whole channel and grant more than before. Returns the number of rows removed.
    """
    rows = TokenPermission.objects.filter(token__user=user, channel_ref=channel_ref)
    if folder_refs is None:
        removed, _ = rows.delete()
        return removed
    refs = list(folder_refs)
    affected = set(rows.filter(folder_scoped=True, folder_ref__in=refs).values_list("token_id", flat=True))
    if not affected:
        return 0
    removed, _ = rows.filter(folder_scoped=True, folder_ref__in=refs).delete()
    emptied = affected - set(rows.filter(token_id__in=affected, folder_scoped=True).values_list("token_id", flat=True))
    if emptied:
        extra, _ = rows.filter(Q(token_id__in=emptied) & Q(folder_scoped=False)).delete()
        removed += extra
    return removed


def app_password_create(*, user: User, name: str) -> tuple[AppPassword, str]:
    """Create a Nextcloud-style app password; the secret is returned once and stored as a hash only."""
    secret = secret_new(24)
    app_password = AppPassword.objects.create(user=user, name=name, secret_hash=secret_hash(secret))
    return app_password, secret


def app_password_revoke(*, user: User, app_password_id: int) -> None:
    """Delete one of the user's app passwords; another user's is unknown."""
    removed, _ = AppPassword.objects.filter(user=user, pk=app_password_id).delete()
    if not removed:
        raise UnknownAppPassword()
