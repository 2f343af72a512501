"""Writes of Aggiefeed: keys, posts sent by sources, and their moderation.

Every path that changes a post's queue (the API, the admin actions, the demo) goes through here, so the
approval count, the audit trail and the shared activity store stay in step. A post that goes live is
recorded once in ``activities`` for its audience; unpublishing or deleting it retracts it from every stream.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from accounts.secrets import secret_hash, secret_new
from activities.services import activity_record, activity_retract
from aggiefeed.dates import format_zulu, parse_zulu
from aggiefeed.errors import DuplicateActivity, Forbidden, InvalidActivity
from aggiefeed.models import ApiKey, Approval, ModerationRecord, Post, PostLabel, PostRecipient, Source
from aggiefeed.selectors import post_for_key, post_for_moderator

ACTIVITY_SOURCE = "aggiefeed"
ACTIVITY_TYPE = "post"
OBJECT_TYPE = "post"
SERVER_FIELDS = ("_id", "id", "score")
SERVER_OBJECT_FIELDS = ("hash", "masterId")
SERVER_META_FIELDS = ("bookmarkerIds",)


def api_key_create(*, source: Source, name: str = "", staff_scope: bool = False) -> tuple[ApiKey, str]:
    """Mint a key for ``source``; the secret is returned this once and only its SHA-256 hash is kept."""
    secret = secret_new(24)
    key = ApiKey.objects.create(
        source=source, name=name, prefix=secret[:8], secret_hash=secret_hash(secret), staff_scope=staff_scope
    )
    return key, secret


def object_id_derive(*, actor_id: str, src_id: str) -> str:
    """The identity of an activity sent without ``object.id``: hex SHA-256 of ``actor.id + ucdSrcId`` (W-MODEL)."""
    return hashlib.sha256(f"{actor_id}{src_id}".encode()).hexdigest()


def _detail(field: str, problem: str) -> list[dict[str, str]]:
    return [{"field": field, "problem": problem}]


def _document(activity: dict[str, Any], *, object_id: str, published: str) -> dict[str, Any]:
    """The stored form: client fields as sent, server-owned fields dropped, identity and defaults filled."""
    document = {key: value for key, value in activity.items() if key not in SERVER_FIELDS}
    document["object"] = {
        key: value for key, value in activity["object"].items() if key not in SERVER_OBJECT_FIELDS
    } | {"id": object_id}
    document["ucdEdusMeta"] = {
        key: value for key, value in activity["ucdEdusMeta"].items() if key not in SERVER_META_FIELDS
    }
    document["published"] = published
    document.setdefault("priority", 0)
    return document


def _check_audience(*, source: Source, activity: dict[str, Any]) -> None:
    """A source addresses only the groups listed in its ``can_send_to`` (contract §8)."""
    refused = [group for group in activity["to"]["groups"] if group not in source.can_send_to]
    if refused:
        raise Forbidden(
            f"Source {source.name!r} may not send to {refused[0]!r}.",
            details=_detail("activity.to.groups", f"Not allowed for this source: {', '.join(refused)}."),
        )


def _fill(post: Post, document: dict[str, Any]) -> None:
    meta, model = document["ucdEdusMeta"], document["object"]["ucdEdusModel"]
    post.author_ref = document["actor"]["author"]["id"]
    post.author_name = document["actor"]["author"]["displayName"]
    post.title = document["title"]
    post.content = document["object"]["content"]
    post.object_type = document["object"]["objectType"]
    post.url = model.get("url", "")
    post.published = parse_zulu(document["published"])
    post.start_date = parse_zulu(meta["startDate"]) if "startDate" in meta else None
    post.end_date = parse_zulu(meta["endDate"]) if "endDate" in meta else None
    post.is_public = "public" in document["to"]["groups"]
    post.document = document


def _index(post: Post) -> None:
    """Rewrite the label and recipient rows the list filters use."""
    PostLabel.objects.filter(post=post).delete()
    PostRecipient.objects.filter(post=post).delete()
    PostLabel.objects.bulk_create(PostLabel(post=post, label=label) for label in post.document["ucdEdusMeta"]["labels"])
    to = post.document["to"]
    PostRecipient.objects.bulk_create(
        [PostRecipient(post=post, kind=PostRecipient.Kind.GROUP, name=name) for name in to["groups"]]
        + [PostRecipient(post=post, kind=PostRecipient.Kind.USER, name=name.lower()) for name in to["users"]]
    )


def _audit(
    post: Post,
    action: str,
    *,
    user: User | None = None,
    api_key: ApiKey | None = None,
    reason: str = "",
    keep_link: bool = True,
) -> None:
    ModerationRecord.objects.create(
        action=action,
        source_id=post.source_id,
        post=post if keep_link else None,
        object_id=post.object_id,
        title=post.title[:1000],
        user=user,
        api_key=api_key,
        reason=reason,
    )


def _record_live(post: Post) -> None:
    """Put a live post into the shared store, reaching its users, its groups, or everyone when public."""
    to = post.document["to"]
    knames = [name.lower() for name in to["users"]]
    users = list(
        User.objects.annotate(kname=Lower("username"))
        .filter(kname__in=knames, is_active=True)
        .values_list("pk", flat=True)
    )
    audiences = [group for group in to["groups"] if group != "public"]
    groups = list(Group.objects.filter(name__in=audiences).values_list("pk", flat=True))
    author = User.objects.filter(username__iexact=post.author_ref, is_active=True).first()
    model = post.document["object"]["ucdEdusModel"]
    actor = post.document["actor"]
    activity_record(
        source=ACTIVITY_SOURCE,
        type=ACTIVITY_TYPE,
        actor=author,
        actor_ref=post.author_ref,
        actor_name=actor["displayName"],
        users=users,
        groups=groups,
        everyone=post.is_public,
        object_type=OBJECT_TYPE,
        object_id=post.object_id,
        object_name=post.title[:1000],
        subject="{source} posted {post}",
        subject_params={
            "source": {"type": "aggiefeed-source", "id": actor["id"], "name": actor["displayName"]},
            "post": {"type": "aggiefeed-post", "id": post.object_id, "name": post.title, "link": post.url},
        },
        message=post.content,
        message_params={"link": {"type": "url", "id": post.url, "name": model.get("urlDisplayName") or post.url}}
        if post.url
        else {},
        link=post.url,
        icon=post.document["icon"],
        payload=post.document,
        external_id=post.object_id,
    )


def _retract(post: Post) -> None:
    activity_retract(source=ACTIVITY_SOURCE, object_type=OBJECT_TYPE, object_id=post.object_id)


def _go_live(post: Post, *, user: User | None = None, api_key: ApiKey | None = None) -> None:
    post.status = Post.Status.LIVE
    post.went_live = timezone.now()
    post.save(update_fields=["status", "went_live", "modified"])
    _record_live(post)
    _audit(post, ModerationRecord.Action.PUBLISHED, user=user, api_key=api_key)


def _notify_approvers(post: Post) -> None:
    emails = list(post.source.approvers.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    if not emails:
        return
    subject = f"Aggiefeed: {post.title[:150]!r} from {post.source.name} awaits approval"
    body = f"{post.title}\n\n{post.content}\n\nApprove or reject it in the approval queue of the administration."
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True))


@transaction.atomic
def activity_create(*, api_key: ApiKey, activity: dict[str, Any]) -> Post:
    """Store a source's new activity in the approval queue, or live at once when its source needs 0 approvals.

    ``activity`` is the validated activity (contract §2). Its ``actor.id`` must be the key's source (403),
    its groups within the source's ``can_send_to`` (403), its ``object.id`` (given or derived) new in both
    queues (409; the unique index settles two racing requests).
    """
    source = api_key.source
    if activity["actor"]["id"] != source.ident:
        raise Forbidden(
            "actor.id must be the id of the key's source.",
            details=_detail("activity.actor.id", "Not the source of this API key."),
        )
    _check_audience(source=source, activity=activity)
    object_id = activity["object"].get("id") or object_id_derive(
        actor_id=activity["actor"]["id"], src_id=activity["object"]["ucdSrcId"]
    )
    published = activity.get("published") or format_zulu(timezone.now())
    document = _document(activity, object_id=object_id, published=published)
    post = Post(source=source, object_id=object_id)
    _fill(post, document)
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError as exc:
        raise DuplicateActivity(f"Activity {object_id!r} already exists; update it with PUT.") from exc
    _index(post)
    _audit(post, ModerationRecord.Action.SUBMITTED, api_key=api_key)
    if source.approvals_needed == 0:
        _go_live(post, api_key=api_key)
    elif source.notify_approvers:
        _notify_approvers(post)
    return post


@transaction.atomic
def activity_update(
    *, api_key: ApiKey, object_id: str, status: str, activity: dict[str, Any], user_id: str | None = None
) -> Post:
    """Replace the client fields of the post ``object_id`` sitting in queue ``status`` (contract §3).

    The post is found as ``post_for_key`` says (404 otherwise). Its identity, source and author must not
    move (400); a non-staff key writes only its own source (403 for another ``actor.id``). The status and
    ``published`` (when the body omits it) are kept. A queued post loses the approvals it had (they were
    for other content); a live post is re-recorded in the shared store with the new content.
    """
    post = post_for_key(api_key=api_key, object_id=object_id, status=status, user_id=user_id, lock=True)
    actor_id = activity["actor"]["id"]
    if not api_key.staff_scope and actor_id != api_key.source.ident:
        raise Forbidden(
            "actor.id must be the id of the key's source.",
            details=_detail("activity.actor.id", "Not the source of this API key."),
        )
    if actor_id != post.source.ident:
        raise InvalidActivity(details=_detail("activity.actor.id", "Must stay the activity's source."))
    sent_id = activity["object"].get("id")
    if sent_id is not None and sent_id != object_id:
        raise InvalidActivity(details=_detail("activity.object.id", "Must equal the id in the path."))
    if sent_id is None and object_id_derive(actor_id=actor_id, src_id=activity["object"]["ucdSrcId"]) != object_id:
        raise InvalidActivity(
            details=_detail("activity.object.ucdSrcId", "actor.id + ucdSrcId must derive the id in the path.")
        )
    if activity["actor"]["author"]["id"] != post.author_ref:
        raise InvalidActivity(details=_detail("activity.actor.author.id", "Must stay the activity's author."))
    _check_audience(source=post.source, activity=activity)
    published = activity.get("published") or post.document["published"]
    _fill(post, _document(activity, object_id=object_id, published=published))
    post.save()
    _index(post)
    _audit(post, ModerationRecord.Action.UPDATED, api_key=api_key)
    if post.status == Post.Status.APPROVAL:
        post.approvals.all().delete()
    else:
        _retract(post)
        _record_live(post)
    return post


@transaction.atomic
def activity_delete(*, api_key: ApiKey, object_id: str, status: str, user_id: str | None = None) -> None:
    """Remove the post ``object_id`` from queue ``status``; a live one leaves every stream (contract §7)."""
    post = post_for_key(api_key=api_key, object_id=object_id, status=status, user_id=user_id, lock=True)
    _audit(post, ModerationRecord.Action.DELETED, api_key=api_key, keep_link=False)
    if post.status == Post.Status.LIVE:
        _retract(post)
    post.delete()


@transaction.atomic
def post_approve(*, user: User, object_id: str) -> tuple[Post, int]:
    """Record ``user``'s approval of a queued post; it goes live on the ``approvals_needed``-th distinct approver.

    Only an approver of the post's source (or a superuser) may approve. The post row is locked, so two
    approvers racing count to two, and the same approver twice counts once. Returns the post and the
    number of distinct approvals it has (0 once it is live).
    """
    post = post_for_moderator(user=user, object_id=object_id, status=Post.Status.APPROVAL, lock=True)
    _, created = Approval.objects.get_or_create(post=post, approver=user)
    if created:
        _audit(post, ModerationRecord.Action.APPROVED, user=user)
    approvals = post.approvals.count()
    if approvals >= max(post.source.approvals_needed, 1):
        _go_live(post, user=user)
    return post, approvals


@transaction.atomic
def post_reject(*, user: User, object_id: str, reason: str = "") -> None:
    """Remove a queued post on the word of one of its source's approvers, keeping the reason in the audit trail."""
    post = post_for_moderator(user=user, object_id=object_id, status=Post.Status.APPROVAL, lock=True)
    _audit(post, ModerationRecord.Action.REJECTED, user=user, reason=reason, keep_link=False)
    post.delete()


@transaction.atomic
def post_unpublish(*, user: User, object_id: str) -> Post:
    """Move a live post back to the approval queue, out of every stream; its earlier approvals are dropped."""
    post = post_for_moderator(user=user, object_id=object_id, status=Post.Status.LIVE, lock=True)
    post.status = Post.Status.APPROVAL
    post.went_live = None
    post.save(update_fields=["status", "went_live", "modified"])
    post.approvals.all().delete()
    _retract(post)
    _audit(post, ModerationRecord.Action.UNPUBLISHED, user=user)
    return post
