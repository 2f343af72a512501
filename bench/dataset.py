"""The one description of the benchmark's data, as SQL expressions over ``g`` (the activity number, 1..N).

The project's loader and the peer's loader both build their rows from these formulas, so the two data sets
are equal: same users, groups, actors, audiences, objects, texts and times. Ids and timestamps grow together,
as the stream cursors assume.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP_SIZE = 10
GROUPED_EVERY = 10  # one activity in ten is addressed to the actor's group, the others to one other user
EPOCH = "timestamptz '2024-01-01 00:00:00+00'"
STEP_SECONDS = 30


@dataclass(frozen=True)
class Dataset:
    users: int
    rows: int

    @property
    def groups(self) -> int:
        return (self.users + GROUP_SIZE - 1) // GROUP_SIZE

    @property
    def files(self) -> int:
        return max(100, self.rows // 20)

    def actor(self, g: str = "g") -> str:
        # ``g / 10`` breaks the tie between the actor and ``g % 10`` (which picks group activities).
        return f"((({g})::bigint * 7919 + ({g})::bigint / {GROUPED_EVERY}) % {self.users} + 1)"

    def group_of(self, user: str) -> str:
        return f"((({user}) - 1) / {GROUP_SIZE} + 1)"

    def grouped(self, g: str = "g") -> str:
        return f"(({g}) % {GROUPED_EVERY} = 0)"

    def recipient(self, g: str = "g") -> str:
        """The one other user of an activity that is not addressed to a group (never the actor)."""
        return f"(({self.actor(g)} + ({g})::bigint % {self.users - 1}) % {self.users} + 1)"

    def file(self, g: str = "g") -> str:
        return f"((({g})::bigint * 31) % {self.files} + 1)"

    def created(self, g: str = "g") -> str:
        return f"({EPOCH} + ({g}) * interval '{STEP_SECONDS} seconds')"


def username(user: str) -> str:
    return f"('user' || lpad(({user})::text, 5, '0'))"


def display_name(user: str) -> str:
    return f"('User ' || ({user})::text)"


def file_name(file: str) -> str:
    return f"('Document ' || ({file})::text || '.docx')"


def file_native_id(file: str) -> str:
    return f"('bench-file-' || ({file})::text)"


def app_password(user: str) -> str:
    """The app password of a bench user (Basic auth of the OCS API); only its SHA-256 is stored."""
    return f"('bench-app-password-' || ({user})::text)"


def app_password_plain(user: int) -> str:
    return f"bench-app-password-{user}"


def sha256_hex(expr: str) -> str:
    return f"encode(sha256(convert_to({expr}, 'UTF8')), 'hex')"
