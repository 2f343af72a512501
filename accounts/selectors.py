"""Reads of accounts: who a credential belongs to and what a token may do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection, connections, router
from django.db.models import Model, Prefetch, QuerySet
from django.utils.crypto import constant_time_compare

from accounts.errors import UnknownToken
from accounts.models import (
    TOKEN_NAME_MAX_LENGTH,
    AccessToken,
    AccessTokenCredential,
    AppPassword,
    TokenPermission,
    User,
)
from accounts.secrets import secret_hash
from config.rows import model_columns, model_from_row


@dataclass(frozen=True)
class FolderGrant:
    """A folder permission of a token: ``folder_ref`` None is the root of the channel's tree."""

    folder_ref: str | None
    level: str


@dataclass(frozen=True)
class ChannelGrant:
    """A channel permission of a token (contract §3.5): a channel-wide level and/or folder permissions."""

    channel_ref: str
    level: str | None
    folders: tuple[FolderGrant, ...] = ()


def _with_permissions(tokens: QuerySet[AccessToken]) -> QuerySet[AccessToken]:
    return tokens.prefetch_related(Prefetch("permissions", queryset=TokenPermission.objects.order_by("position")))


class _ModelColumns:
    """One model's concrete columns in a hand-written query, and the instances built from them with the
    conversions the ORM applies (SQLite's datetimes and booleans, JSON), so that a hot read can join
    several tables in one statement without the ORM's per-query compilation.
    """

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in self.fields]
        self._sql: dict[str, str] = {}
        self._converters: dict[str, list[tuple[int, list[Any], Any]]] = {}

    def sql(self) -> str:
        known = self._sql.get(connection.vendor)
        if known is None:
            known = ", ".join(f"{self.alias}.{connection.ops.quote_name(str(f.column))}" for f in self.fields)
            self._sql[connection.vendor] = known
        return known

    def converters(self) -> list[tuple[int, list[Any], Any]]:
        known = self._converters.get(connection.vendor)
        if known is None:
            known = []
            for index, field in enumerate(self.fields):
                col = field.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                if found:
                    known.append((index, found, col))
            self._converters[connection.vendor] = known
        return known

    def build(self, row: Sequence[Any], start: int) -> Any:
        values = list(row[start : start + len(self.fields)])
        for index, converters, col in self.converters():
            for converter in converters:
                values[index] = converter(values[index], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


_TOKEN_COLUMNS = _ModelColumns(AccessToken, "t")
_USER_COLUMNS = _ModelColumns(User, "u")
_PERMISSION_COLUMNS = _ModelColumns(TokenPermission, "p")


def access_token_by_secret(*, secret: str) -> AccessToken | None:
    """The active user's token whose credential is ``secret``, with its user and permissions, or None.

    One hand-written query (this runs on every activity call): the token and its user joined to the token's
    permission rows, one result row per permission (a single row without permission for a personal token);
    the credential is a subquery, which keeps PostgreSQL's planning short. The rows are kept, in
    ``position`` order, as ``loaded_permissions``.
    """
    if not secret or len(secret) > 512:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_TOKEN_COLUMNS.sql()}, {_USER_COLUMNS.sql()}, {_PERMISSION_COLUMNS.sql()} "  # noqa: S608  # nosec B608 - columns from _meta, values are parameters
            'FROM "accounts_accesstoken" t JOIN "accounts_user" u ON u.id = t.user_id '
            'LEFT JOIN "accounts_tokenpermission" p ON p.token_id = t.id '
            'WHERE t.id = (SELECT c.token_id FROM "accounts_accesstokencredential" c WHERE c.secret_hash = %s) '
            "AND u.is_active = %s ORDER BY p.position, p.id",
            (secret_hash(secret), True),
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    token: AccessToken = _TOKEN_COLUMNS.build(rows[0], 0)
    token.user = _USER_COLUMNS.build(rows[0], len(_TOKEN_COLUMNS.fields))
    start = len(_TOKEN_COLUMNS.fields) + len(_USER_COLUMNS.fields)
    token.loaded_permissions = []
    for row in rows:
        if row[start] is not None:
            permission: TokenPermission = _PERMISSION_COLUMNS.build(row, start)
            permission.token = token
            token.loaded_permissions.append(permission)
    return token


def user_by_session(*, session: SessionBase) -> User | None:
    """The active user a Django session is logged in as, or None.

    The session also carries the hash of the user's password: once the password changes, every session
    made before (but the one that changed it, which is re-hashed) stops working.
    """
    user_id = session.get(SESSION_KEY)
    if not isinstance(user_id, str | int) or not str(user_id).isdigit():
        return None
    user = User.objects.filter(pk=int(user_id), is_active=True).first()
    if user is None:
        return None
    stored_hash = session.get(HASH_SESSION_KEY) or ""
    if not constant_time_compare(stored_hash, user.get_session_auth_hash()):
        return None
    return user


def _active_users_named(username: str) -> QuerySet[User]:
    """The active user with this user name in any case; a name PostgreSQL cannot hold (a NUL) is nobody's."""
    if "\x00" in username:
        return User.objects.none()
    return User.objects.filter(username__iexact=username, is_active=True)


def user_by_password(*, username: str, password: str) -> User | None:
    """The active user with this user name (any case) and account password, or None.

    App passwords do not open administration sessions. An unknown user costs one password hash anyway, so
    timing does not tell which user names exist.
    """
    user = _active_users_named(username).first()
    if user is None:
        User().set_password(password)
        return None
    return user if user.check_password(password) else None


_BASIC_USER_SQL = (
    f"SELECT {model_columns(User, 'u')}, "  # noqa: S608  # nosec B608 - the model's own column names
    "EXISTS (SELECT 1 FROM accounts_apppassword p WHERE p.user_id = u.id AND p.secret_hash = %s) "
    "FROM accounts_user u WHERE lower(u.username) = lower(%s) AND u.is_active"
)


def basic_credentials_user(*, username: str, password: str) -> tuple[User | None, bool]:
    """The active user named ``username`` (any case) and whether ``password`` is one of its app passwords.

    One query (the hot path of every OCS request). The account password is not checked here: that is
    ``basic_credentials_check``, after the caller has counted the attempt against the login throttle.
    """
    if "\x00" in username:
        return None, False
    # Written out: compiling the ORM's Exists query cost more than running it. ``lower()`` is the expression
    # of the unique index on user names (iexact would compile to ``UPPER``, which no index serves).
    alias = router.db_for_read(User)
    with connections[alias].cursor() as cursor:
        cursor.execute(_BASIC_USER_SQL, [secret_hash(password), username])
        row = cursor.fetchone()
    if row is None:
        return None, False
    return model_from_row(User, alias, row), bool(row[-1])


def basic_credentials_check(*, user: User | None, password: str) -> User | None:
    """``user`` if ``password`` is its account password (Argon2), else None. An unknown user (None) costs one
    password hash anyway, so timing does not tell which user names exist."""
    if user is None:
        User().set_password(password)
        return None
    return user if user.check_password(password) else None


def token_list(*, user: User, after: str | None = None, limit: int = 1000) -> list[AccessToken]:
    """A page of the user's tokens by name, names after ``after`` (keyset on the unique (user, name) index).

    Two queries whatever the page size: the tokens, then their permissions.
    """
    tokens = AccessToken.objects.filter(user=user)
    if after is not None:
        tokens = tokens.filter(name__gt=after)
    return list(_with_permissions(tokens.order_by("name"))[:limit])


def token_get(*, user: User, ref: str, for_update: bool = False) -> AccessToken:
    """The user's token named ``ref``, else the one whose credential is ``ref`` (contract §3.5).

    Another user's token is unknown: ``UNKNOWN_TOKEN`` either way, and so is a ``ref`` that no name or
    credential can be (over ``TOKEN_NAME_MAX_LENGTH`` characters, or a NUL), without a lookup.
    ``for_update`` locks the token row.
    """
    if len(ref) > TOKEN_NAME_MAX_LENGTH or "\x00" in ref:
        raise UnknownToken(f"Unknown token '{ref}'.")
    tokens = AccessToken.objects.filter(user=user)
    if for_update:
        tokens = tokens.select_for_update()
    by_credential = AccessTokenCredential.objects.filter(secret_hash=secret_hash(ref)).values("token_id")
    token = tokens.filter(name=ref).first() or tokens.filter(pk__in=by_credential).first()
    if token is None:
        raise UnknownToken(f"Unknown token '{ref}'.")
    return token


def token_grants(*, permissions: Iterable[TokenPermission]) -> list[ChannelGrant]:
    """A token's permission rows (in ``position`` order) as the channel permissions of the contract.

    Each channel permission is one channel row followed by its folder rows, all naming the same channel.
    """
    grants: list[ChannelGrant] = []
    for row in permissions:
        if not row.folder_scoped:
            grants.append(ChannelGrant(channel_ref=row.channel_ref, level=row.level))
        elif grants and grants[-1].channel_ref == row.channel_ref:
            last = grants[-1]
            folder = FolderGrant(folder_ref=row.folder_ref, level=row.level or "")
            grants[-1] = ChannelGrant(last.channel_ref, last.level, (*last.folders, folder))
    return grants


def app_password_list(*, user: User) -> QuerySet[AppPassword]:
    """The user's app passwords by name (their secrets are never readable)."""
    return AppPassword.objects.filter(user=user).order_by("name", "pk")
