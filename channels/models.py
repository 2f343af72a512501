"""Pryv activity data: channels, folder trees, mark and period events, and their attachments.

Ids seen by clients (``ident``) are strings unique per user, chosen by the client or generated; the
integer primary keys stay internal.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Channel(models.Model):
    """A user's channel of activity; names are unique among all the user's channels, trashed ones included."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels")
    ident = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    enforce_no_events_overlap = models.BooleanField(default=True)
    client_data = models.JSONField(default=dict, blank=True)
    trashed = models.BooleanField(default=False)
    trashed_at = models.DateTimeField(null=True, blank=True, help_text="when it was last moved to the trash")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ident"], name="channels_channel_ident_unique_per_user"),
            models.UniqueConstraint(fields=["user", "name"], name="channels_channel_name_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ident})"


class Folder(models.Model):
    """A folder of a channel's tree; sibling names are unique (same channel and parent), trashed included."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="folders")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    ident = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    hidden = models.BooleanField(default=False)
    client_data = models.JSONField(default=dict, blank=True)
    trashed = models.BooleanField(default=False)
    trashed_at = models.DateTimeField(null=True, blank=True, help_text="when it was last moved to the trash")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ident"], name="channels_folder_ident_unique_per_user"),
            models.UniqueConstraint(
                fields=["channel", "parent", "name"],
                condition=Q(parent__isnull=False),
                name="channels_folder_name_unique_among_siblings",
            ),
            models.UniqueConstraint(
                fields=["channel", "name"],
                condition=Q(parent__isnull=True),
                name="channels_folder_name_unique_at_root",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ident})"


class Event(models.Model):
    """A mark (no duration, or 0) or a period (``is_period``; running while ``duration`` is null).

    ``time`` and ``duration`` are seconds (Unix epoch). The period rules (contract §5) are enforced by the
    services under a lock on the channel row and, on PostgreSQL, by an exclusion constraint over
    ``[time, end_time)`` of the non-trashed periods written while their channel was strict
    (``overlap_guarded``; migration 0002). ``end_time`` is ``time + duration`` for a finished period and
    null for a running period (an open end) or a mark.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="events")
    folder = models.ForeignKey(Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    ident = models.CharField(max_length=100)
    time = models.FloatField()
    duration = models.FloatField(null=True, blank=True)
    is_period = models.BooleanField(default=False)
    type_class = models.CharField(max_length=100, blank=True)
    type_format = models.CharField(max_length=100, blank=True)
    value = models.JSONField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    client_data = models.JSONField(default=dict, blank=True)
    trashed = models.BooleanField(default=False)
    modified = models.FloatField()
    end_time = models.FloatField(null=True, blank=True)
    overlap_guarded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-time", "-ident"]
        indexes = [models.Index(fields=["channel", "time"], name="channels_event_channel_time")]
        constraints = [
            models.UniqueConstraint(fields=["user", "ident"], name="channels_event_ident_unique_per_user"),
            models.CheckConstraint(condition=Q(time__gte=0), name="channels_event_time_non_negative"),
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | Q(duration__gte=0), name="channels_event_duration_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_period=False, duration__isnull=True)
                | Q(is_period=False, duration=0)
                | Q(is_period=True, duration__isnull=True)
                | Q(is_period=True, duration__gt=0),
                name="channels_event_mark_or_period",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(is_period=True, duration__gt=0, end_time__gt=F("time")),
                name="channels_event_end_only_for_finished_periods",
            ),
        ]

    def __str__(self) -> str:
        return self.ident

    @property
    def is_running(self) -> bool:
        return self.is_period and self.duration is None


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # Never derive a path from the client's file name: storage paths are ours.
    return f"attachments/{instance.event.user_id}/{instance.event.ident}/{instance.key_hash()}"


class Attachment(models.Model):
    """A file attached to an event, stored through Django's storage API (S3-style storage is a setting)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    key = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.BigIntegerField()
    file = models.FileField(upload_to=attachment_upload_to, max_length=500)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="channels_attachment_key_unique_per_event"),
            models.UniqueConstraint(fields=["event", "file_name"], name="channels_attachment_name_unique_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event.ident}/{self.file_name}"

    def key_hash(self) -> str:
        return hashlib.sha256(f"{self.key}/{self.file_name}".encode()).hexdigest()[:32]
