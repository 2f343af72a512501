"""Aggiefeed: sources that send posts, their API keys, the posts (queued or live), approvals and the audit trail.

A post sits either in the approval queue (status ``a``) or in the live stream (status ``l``); the activity
document the client sent is kept in ``Post.document`` as the API returns it, and the columns next to it are
what the lists filter and order on. Labels and recipients get their own rows so that the ``m`` and ``u``
filters are index lookups on every database.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def _new_source_ident() -> str:
    return str(uuid.uuid4())


def _default_approvals() -> int:
    return int(settings.AGGIEFEED_DEFAULT_APPROVALS)


def _default_audiences() -> list[str]:
    return ["students", "faculty", "staff"]


AUDIENCES = ("public", "students", "faculty", "staff")
SYSTEM_LABELS = ("~academic", "~student-life", "~campus-life", "~campus-messages")


class Source(models.Model):
    """A department or a person that sends posts (contract §8, W-SRC).

    ``ident`` is the id the Aggiefeed team hands out: a post's ``actor.id`` must equal it. Its ``approvers``
    moderate its queue; a post goes live once ``approvals_needed`` distinct approvers approved it (0: it
    goes live as soon as it is sent). ``can_send_to`` lists the audiences (``to.groups``) it may address.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "person"
        DEPARTMENT = "department", "department"

    ident = models.CharField("source id", max_length=64, unique=True, default=_new_source_ident)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DEPARTMENT)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="aggiefeed_sources")
    approvals_needed = models.PositiveSmallIntegerField(
        default=_default_approvals, help_text="distinct approvers a post needs (approveBy); 0 publishes at once"
    )
    can_send_to = models.JSONField(default=_default_audiences, blank=True, help_text="audiences it may address")
    notify_approvers = models.BooleanField(default=False, help_text="e-mail the approvers when a post waits")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(approvals_needed__lte=20), name="aggiefeed_source_approvals_max"),
        ]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A source's credential (``Authorization: ApiKey <key>``), stored as a SHA-256 hash and shown once.

    ``prefix`` (the first characters) only helps people tell keys apart. A ``staff_scope`` key may list
    every live post and edit any source's posts (contract §1, §5).
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=255, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    staff_scope = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["source", "-created"]

    def __str__(self) -> str:
        return f"{self.source} {self.prefix}… {self.name}".rstrip()


class Post(models.Model):
    """One activity of a source, in the approval queue (``a``) or the live stream (``l``).

    ``object_id`` is the activity's identity across both queues (unique: a second POST is a 409).
    ``document`` is the stored activity as GET returns it; the other columns are copies for filtering.
    """

    class Status(models.TextChoices):
        APPROVAL = "a", "approval queue"
        LIVE = "l", "live"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="posts")
    object_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=1, choices=Status.choices, default=Status.APPROVAL)
    author_ref = models.CharField("author kName", max_length=150)
    author_name = models.CharField(max_length=255)
    title = models.CharField(max_length=1000)
    content = models.TextField()
    object_type = models.CharField(max_length=64)
    url = models.CharField(max_length=2000, blank=True)
    published = models.DateTimeField()
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    document = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    went_live = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published", "object_id"]
        indexes = [
            models.Index(fields=["status", "-published", "object_id"], name="aggiefeed_post_stream"),
            models.Index(fields=["status", "is_public", "-published", "object_id"], name="aggiefeed_post_public"),
            models.Index(fields=["source", "status", "-published"], name="aggiefeed_post_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["a", "l"]), name="aggiefeed_post_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class PendingPost(Post):
    """The approval queue, as its own admin list."""

    class Meta:
        proxy = True
        verbose_name = "post awaiting approval"
        verbose_name_plural = "approval queue"


class LivePost(Post):
    """The live stream, as its own admin list."""

    class Meta:
        proxy = True
        verbose_name = "live post"
        verbose_name_plural = "live stream"


class PostLabel(models.Model):
    """One entry of a post's ``ucdEdusMeta.labels`` (the ``m`` filter)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="label_rows")
    label = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "label"], name="aggiefeed_label_unique")]
        indexes = [models.Index(fields=["label", "post"], name="aggiefeed_label_lookup")]

    def __str__(self) -> str:
        return self.label


class PostRecipient(models.Model):
    """One addressee of a post: an audience of ``to.groups`` (``g``) or a kName of ``to.users`` (``u``, lower case)."""

    class Kind(models.TextChoices):
        GROUP = "g", "group"
        USER = "u", "user"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    name = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "kind", "name"], name="aggiefeed_recipient_unique")]
        indexes = [models.Index(fields=["kind", "name", "post"], name="aggiefeed_recipient_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class Approval(models.Model):
    """One approver's approval of a queued post; distinct approvers are counted (one row per person)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "approver"], name="aggiefeed_approval_once")]

    def __str__(self) -> str:
        return f"{self.approver} approved {self.post_id}"


class ModerationRecord(models.Model):
    """The audit trail: who (a person or a source's key) did what to which post, when, and why.

    The post's id, title and source are copied so the record outlives a rejected or deleted post.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "submitted"
        UPDATED = "updated", "updated"
        APPROVED = "approved", "approved"
        PUBLISHED = "published", "published"
        REJECTED = "rejected", "rejected"
        UNPUBLISHED = "unpublished", "unpublished"
        DELETED = "deleted", "deleted"

    action = models.CharField(max_length=12, choices=Action.choices)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="moderation_records")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="records")
    object_id = models.CharField(max_length=255)
    title = models.CharField(max_length=1000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["source", "-created"], name="aggiefeed_record_source"),
            models.Index(fields=["object_id", "-created"], name="aggiefeed_record_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_id}"
