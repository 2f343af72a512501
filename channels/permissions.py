"""What a caller may do in the activity API (contract §8): levels read < contribute < manage.

A personal token and the owner's own session may do everything in the owner's channels. A shared token
may do what its permission rows (accounts' ``TokenPermission``) grant: for one channel, the rows naming it,
or, when none does, the ``*`` rows; when some of those rows are folder-scoped, only the listed folders (and
their descendants) are reachable and the channel-level ``level`` is ignored; a folder row with no folder
(``folder_ref`` null) is the root of the tree, i.e. the whole channel. The highest level wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from accounts.models import AccessToken, TokenPermission, User


class Level(IntEnum):
    NONE = 0
    READ = 1
    CONTRIBUTE = 2
    MANAGE = 3


LEVELS_BY_NAME = {
    TokenPermission.Level.READ.value: Level.READ,
    TokenPermission.Level.CONTRIBUTE.value: Level.CONTRIBUTE,
    TokenPermission.Level.MANAGE.value: Level.MANAGE,
}


@dataclass(frozen=True)
class PermissionRow:
    channel_ref: str
    folder_scoped: bool
    folder_ref: str | None
    level: Level


@dataclass(frozen=True)
class ChannelGrant:
    """What a caller may do in one channel: a level on the whole channel and levels on named folders."""

    whole: Level = Level.NONE
    folders: Mapping[str, Level] = field(default_factory=dict)

    @property
    def reaches(self) -> bool:
        return self.whole > Level.NONE or any(level > Level.NONE for level in self.folders.values())

    def level_along(self, path_idents: Iterable[str]) -> Level:
        """The level on a folder, given the ids of the folder and of all its ancestors (inheritance)."""
        level = self.whole
        for ident in path_idents:
            level = max(level, self.folders.get(ident, Level.NONE))
        return level


@dataclass(frozen=True)
class Access:
    """The caller of a channels service: the owner of the data and, for a shared token, its permissions.

    ``rows`` is None for full access (a personal token, the owner's session).
    """

    user: User
    rows: tuple[PermissionRow, ...] | None = None

    @classmethod
    def owner(cls, user: User) -> Access:
        return cls(user=user)

    @classmethod
    def for_token(cls, token: AccessToken) -> Access:
        """Access of a data token: a personal token needs no rows; a shared one's come with it when accounts'
        ``access_token_by_secret`` read it (``loaded_permissions``), else they are read here (one query).
        """
        if token.kind == AccessToken.Kind.PERSONAL:
            return cls(user=token.user)
        permissions = token.loaded_permissions
        if permissions is None:
            permissions = list(token.permissions.all())
        rows = tuple(
            PermissionRow(
                channel_ref=row.channel_ref,
                folder_scoped=row.folder_scoped,
                folder_ref=row.folder_ref,
                level=LEVELS_BY_NAME.get(row.level or "", Level.NONE),
            )
            for row in permissions
        )
        return cls(user=token.user, rows=rows)

    @property
    def is_full(self) -> bool:
        return self.rows is None

    def channel_grant(self, channel_ident: str) -> ChannelGrant:
        if self.rows is None:
            return ChannelGrant(whole=Level.MANAGE)
        rows = [row for row in self.rows if row.channel_ref == channel_ident]
        if not rows:
            rows = [row for row in self.rows if row.channel_ref == "*"]
        scoped = [row for row in rows if row.folder_scoped]
        if not scoped:
            return ChannelGrant(whole=max((row.level for row in rows), default=Level.NONE))
        whole = max((row.level for row in scoped if row.folder_ref is None), default=Level.NONE)
        folders: dict[str, Level] = {}
        for row in scoped:
            if row.folder_ref is not None:
                folders[row.folder_ref] = max(folders.get(row.folder_ref, Level.NONE), row.level)
        return ChannelGrant(whole=whole, folders=folders)
