"""Files a WOPI client opens and edits, their locks, and each user's WOPI UserInfo.

A file belongs to one owner, who may share it with other users (read-only or with edit rights). Its bytes
live in Django storage; ``version`` counts every write and is never reused for the file. The lock lives on
the file row, so every app process sees the same lock and a ``select_for_update`` of the row serialises
the operations that read or change it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class WopiFile(models.Model):
    """A document served over WOPI; names are unique per owner, compared case-insensitively.

    ``id`` is the WOPI file id: a UUID, URL-safe, stable across edits and renames, the same for every user.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wopi_files")
    name = models.CharField(max_length=300)
    content = models.FileField(upload_to="wopi/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=1)
    lock_id = models.CharField(max_length=1024, blank=True)
    lock_expires = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="wopi_file_name_unique_per_owner_ci"),
            models.CheckConstraint(
                condition=models.Q(lock_id="") | models.Q(lock_expires__isnull=False),
                name="wopi_file_lock_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class WopiShare(models.Model):
    """``user`` may open ``file`` (read-only unless ``can_write``); the owner needs no share."""

    file = models.ForeignKey(WopiFile, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wopi_shares")
    can_write = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "user"], name="wopi_share_unique_file_user")]

    def __str__(self) -> str:
        return f"{self.file_id} → {self.user_id} ({'write' if self.can_write else 'read'})"


class WopiUserInfo(models.Model):
    """The opaque UserInfo string a WOPI client stores for a user (PutUserInfo), the same for every file."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wopi_user_info")
    info = models.CharField(max_length=1024)
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"UserInfo of {self.user_id}"
