"""The one store of things that happened, whoever reported them, and who each one reaches.

An Activity is stored once. Its audience is fanned out on write into ``StreamEntry`` rows (one per user it
reaches, as Nextcloud's own ``oc_activity`` does with ``affecteduser``), so a user's stream page is a
single keyset scan of the ``(user, activity)`` index whatever the table size.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class ActivityObject(models.Model):
    """The integer surrogate of one object (``object_type`` + native string id) that activities are about.

    Nextcloud clients expect an integer ``object_id`` (contract §8, [decision]); the hub's objects have string
    ids (WOPI file ids, Pryv event ids, Aggiefeed object ids), so each distinct object gets an integer here on
    first use. The OCS object filter takes the surrogate.
    """

    object_type = models.CharField(max_length=64)
    native_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "native_id"], name="activities_object_unique_native"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}/{self.native_id} #{self.pk}"


class Activity(models.Model):
    """Something that happened: source app and type, actor, the object it is about, subject and message.

    ``subject`` and ``message`` are templates whose ``{placeholders}`` name entries of ``subject_params`` /
    ``message_params`` (rich objects ``{"type", "id", "name", ...}``); the registered type of the activity
    renders them for a reader (activities.registry). ``payload`` keeps the source-native document.
    ``external_id`` makes a re-sent item (a WOPI activity Id, an Aggiefeed object id) idempotent.
    """

    source = models.CharField(max_length=32)
    type = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_ref = models.CharField(max_length=255, blank=True, help_text="the actor's id in the source system")
    actor_name = models.CharField(max_length=255, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=255, blank=True)
    object_name = models.CharField(max_length=1000, blank=True)
    object_ref = models.ForeignKey(
        ActivityObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="OCS object_id"
    )
    subject = models.CharField(max_length=1000, blank=True)
    subject_params = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=2000, blank=True)
    icon = models.CharField(max_length=2000, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    is_public = models.BooleanField(default=False, help_text="reaches every user")
    groups = models.ManyToManyField(Group, blank=True, related_name="+", help_text="groups it was addressed to")
    created = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["source", "object_type", "object_id", "-id"], name="activities_by_object"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_type", "object_id", "external_id"],
                condition=~Q(external_id=""),
                name="activities_external_id_unique_per_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.type} #{self.pk}"


class StreamEntry(models.Model):
    """Activity ``activity`` reaches ``user``: one row per recipient, read by a keyset on (user, activity).

    ``source``, ``by_self`` and ``object_ref`` are copied from the activity so that the per-source, self/by
    and object filters stay index scans too.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(max_length=32)
    by_self = models.BooleanField(default=False)
    object_ref = models.ForeignKey(
        ActivityObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name_plural = "stream entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="activities_entry_unique_user_activity"),
        ]
        indexes = [
            models.Index(fields=["user", "source", "activity"], name="activities_entry_user_source"),
            models.Index(fields=["user", "by_self", "activity"], name="activities_entry_user_self"),
            models.Index(fields=["user", "object_ref", "activity"], name="activities_entry_user_object"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.user_id}"


class FeedToken(models.Model):
    """The secret of a user's personal Atom feed URL (``/feeds/<secret>``); at most one per user.

    The secret is never stored: ``secret_hash`` (SHA-256, accounts.secrets) finds the feed, and the secret
    itself is ``HMAC(SECRET_KEY, nonce)``, so the administration page can show the URL again while a copy of
    the database alone reveals no feed. Resetting replaces the nonce, and the old URL stops working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    secret_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return f"feed of {self.user_id} ({self.secret_hash[:8]}…)"
