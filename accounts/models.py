"""Users, data access tokens and app passwords: who may call which API."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

TOKEN_NAME_MAX_LENGTH = 255


class User(AbstractUser):
    """A person: the Pryv user name and the Aggiefeed kName are both ``username`` (unique, case-insensitive).

    Django groups carry audiences such as students, faculty and staff.
    """

    display_name = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=2, default="en", help_text="ISO 639-1 code")

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique")]

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class AccessToken(models.Model):
    """A Pryv data access token: a name, a type and per-channel/folder permissions.

    The credential itself is never stored: each of the token's credentials (a personal token can mint
    several, see the contract §9.6) is kept as a SHA-256 hash in ``AccessTokenCredential``.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", "personal"
        SHARED = "shared", "shared"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=TOKEN_NAME_MAX_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHARED)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    # The permission rows read together with the token when it authenticates a call (in ``position`` order;
    # ``accounts.selectors.access_token_by_secret``), so that the caller's access costs no query of its own.
    # None when they were not loaded: ``permissions.all()`` then reads them. Not a database field.
    loaded_permissions: list[TokenPermission] | None = None

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="accounts_token_name_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user}/{self.name}"


class AccessTokenCredential(models.Model):
    """One credential (the secret sent in ``Authorization``) of a token, stored as its SHA-256 hex digest."""

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="credentials")
    secret_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"credential of {self.token} ({self.secret_hash[:8]}…)"


class TokenPermission(models.Model):
    """One permission entry of a token, naming a channel and optionally a folder by id (strings).

    ``channel_ref`` is a channel id or ``*`` (every channel not named explicitly). A channel-level entry has
    ``folder_scoped`` false; a folder entry has it true and ``folder_ref`` a folder id, or null for the
    root of the channel's tree. Unknown ids are stored and grant nothing, so accounts never imports channels.
    """

    class Level(models.TextChoices):
        READ = "read", "read"
        CONTRIBUTE = "contribute", "contribute"
        MANAGE = "manage", "manage"

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="permissions")
    position = models.PositiveIntegerField(default=0)
    channel_ref = models.CharField(max_length=100)
    folder_scoped = models.BooleanField(default=False)
    folder_ref = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - null: the tree root
    level = models.CharField(max_length=10, choices=Level.choices, null=True, blank=True)  # noqa: DJ001 - unset

    class Meta:
        ordering = ["token", "position"]
        indexes = [models.Index(fields=["token", "channel_ref"], name="accounts_perm_token_channel")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(folder_scoped=True) | models.Q(folder_ref__isnull=True),
                name="accounts_perm_folder_ref_only_when_scoped",
            ),
            models.CheckConstraint(
                condition=models.Q(folder_scoped=False) | models.Q(level__isnull=False),
                name="accounts_perm_folder_entry_has_level",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.channel_ref}/{self.folder_ref or 'root'}" if self.folder_scoped else self.channel_ref
        return f"{self.level or '-'} on {where}"


class AppPassword(models.Model):
    """A Nextcloud-style app password: an alternative to the password for Basic auth, shown once, stored hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="app_passwords")
    name = models.CharField(max_length=255)
    secret_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.user}/{self.name}"
