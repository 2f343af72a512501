"""Writes to the shared activity store. Every app records through ``activity_record``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.secrets import secret_hash, secret_new
from activities.feed_tokens import feed_path, feed_secret
from activities.models import Activity, ActivityObject, FeedToken, StreamEntry

UserRef = User | int
GroupRef = Group | int


def _ids(items: Iterable[Any]) -> set[int]:
    return {item if isinstance(item, int) else item.pk for item in items}


@transaction.atomic
def activity_record(
    *,
    source: str,
    type: str,
    actor: User | None = None,
    actor_ref: str = "",
    actor_name: str = "",
    subject: str = "",
    subject_params: dict[str, dict[str, Any]] | None = None,
    message: str = "",
    message_params: dict[str, dict[str, Any]] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_name: str = "",
    link: str = "",
    icon: str = "",
    payload: dict[str, Any] | None = None,
    users: Iterable[UserRef] = (),
    groups: Iterable[GroupRef] = (),
    everyone: bool = False,
    include_actor: bool = True,
    external_id: str = "",
    created: datetime | None = None,
) -> Activity:
    """Store one activity and fan it out to everyone it reaches, in the caller's transaction.

    The audience is the listed users, the members of the listed groups (at the time of recording, as
    Nextcloud does), every active user when ``everyone``, and the actor unless ``include_actor`` is false.
    An ``external_id`` already recorded for the same source and object returns the stored activity
    instead of a second copy (a re-sent WOPI Id, a re-published post), also when two recorders send it at
    the same moment: the unique constraint lets one insert win, and the other returns that row.
    """
    same_item = {"source": source, "object_type": object_type, "object_id": object_id, "external_id": external_id}
    if external_id:
        existing = Activity.objects.filter(**same_item).first()
        if existing is not None:
            return existing
    object_ref = activity_object_get_or_create(object_type=object_type, native_id=object_id)
    activity = Activity(
        source=source,
        type=type,
        actor=actor,
        actor_ref=actor_ref or (actor.username if actor else ""),
        actor_name=actor_name or (actor.shown_name if actor else ""),
        subject=subject,
        subject_params=subject_params or {},
        message=message,
        message_params=message_params or {},
        object_type=object_type,
        object_id=object_id,
        object_name=object_name,
        object_ref=object_ref,
        link=link,
        icon=icon,
        payload=payload or {},
        external_id=external_id,
        is_public=everyone,
        created=created or timezone.now(),
    )
    if not external_id:
        activity.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                activity.save(force_insert=True)
        except IntegrityError:
            return Activity.objects.get(**same_item)
    group_ids = _ids(groups)
    if group_ids:
        activity.groups.set(group_ids)
    recipients = _ids(users)
    if actor is not None and include_actor:
        recipients.add(actor.pk)
    _fan_out(activity, recipients=recipients, group_ids=group_ids, everyone=everyone)
    return activity


def _fan_out(activity: Activity, *, recipients: set[int], group_ids: set[int], everyone: bool) -> None:
    """Give ``activity`` a stream entry for each of ``recipients``, and each active member of ``group_ids``
    (each active user when ``everyone``), in one ``INSERT ... SELECT`` of the users; ``by_self`` marks the actor.

    Rows already there are left alone (``ON CONFLICT DO NOTHING``); ids of no user are skipped.
    """
    user_table = connection.ops.quote_name(User._meta.db_table)
    reached: list[str] = []
    params: list[int | str | bool | None] = [
        activity.pk,
        activity.source,
        activity.actor_id,
        True,
        False,
        activity.object_ref_id,
    ]
    if recipients:
        reached.append(f"u.id IN ({', '.join(['%s'] * len(recipients))})")
        params += sorted(recipients)
    if everyone:
        reached.append("u.is_active = %s")
        params.append(True)
    elif group_ids:
        membership = User.groups.through._meta
        member_table = connection.ops.quote_name(membership.db_table)
        reached.append(
            f"(u.is_active = %s AND u.id IN (SELECT m.user_id FROM {member_table} m "  # noqa: S608 - table from _meta  # nosec B608
            f"WHERE m.group_id IN ({', '.join(['%s'] * len(group_ids))})))"
        )
        params += [True, *sorted(group_ids)]
    if not reached:
        return
    entry_table = connection.ops.quote_name(StreamEntry._meta.db_table)
    sql = (
        f"INSERT INTO {entry_table} (user_id, activity_id, source, by_self, object_ref_id) "  # noqa: S608 - ditto  # nosec B608
        "SELECT u.id, %s, %s, CASE WHEN u.id = %s THEN %s ELSE %s END, %s "
        f"FROM {user_table} u WHERE {' OR '.join(reached)} ORDER BY u.id ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass(frozen=True)
class ActivityDraft:
    """One activity of a batch (``activity_record_batch``): what differs between the batch's activities."""

    type: str
    subject: str
    subject_params: dict[str, dict[str, Any]]
    external_id: str
    message: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    users: frozenset[int] = frozenset()


def activity_record_batch(
    *, source: str, actor: User, object_type: str, object_id: str, object_name: str, drafts: Sequence[ActivityDraft]
) -> list[Activity]:
    """Store a batch of one actor's activities about one object, set-based: a fixed number of statements.

    The same rules as ``activity_record`` for each draft (its users and the actor reached, ``by_self`` for the
    actor, ids of no user skipped), with an ``external_id`` per draft: one already stored (or repeated in
    the batch) gives the stored activity instead of a copy. Returns the activities in draft order. A
    concurrent recorder storing one of the ids between the look-up and the insert makes the insert raise
    IntegrityError: the caller's savepoint then undoes the batch and ``activity_record`` can take the
    drafts one by one.
    """
    object_ref = activity_object_get_or_create(object_type=object_type, native_id=object_id)
    same_object = {"source": source, "object_type": object_type, "object_id": object_id}
    # ``exclude(external_id="")`` repeats the unique index's predicate, so that the index serves the look-up.
    known_ids = {d.external_id for d in drafts}
    stored = Activity.objects.filter(**same_object, external_id__in=known_ids).exclude(external_id="")
    known = {activity.external_id: activity for activity in stored}
    created = timezone.now()
    fresh: dict[str, tuple[Activity, ActivityDraft]] = {}
    for draft in drafts:
        if draft.external_id in known or draft.external_id in fresh:
            continue
        activity = Activity(
            **same_object,
            type=draft.type,
            actor=actor,
            actor_ref=actor.username,
            actor_name=actor.shown_name,
            subject=draft.subject,
            subject_params=draft.subject_params,
            message=draft.message,
            object_name=object_name,
            object_ref=object_ref,
            payload=draft.payload,
            external_id=draft.external_id,
            created=created,
        )
        fresh[draft.external_id] = (activity, draft)
    Activity.objects.bulk_create([activity for activity, _ in fresh.values()])
    reached = {user_id for _, draft in fresh.values() for user_id in draft.users} | {actor.pk}
    existing_users = set(User.objects.filter(pk__in=reached).values_list("pk", flat=True))
    StreamEntry.objects.bulk_create(
        [
            StreamEntry(
                user_id=user_id,
                activity=activity,
                source=source,
                by_self=user_id == actor.pk,
                object_ref=object_ref,
            )
            for activity, draft in fresh.values()
            for user_id in sorted((draft.users | {actor.pk}) & existing_users)
        ],
        ignore_conflicts=True,
    )
    by_external_id = known | {external_id: activity for external_id, (activity, _) in fresh.items()}
    return [by_external_id[draft.external_id] for draft in drafts]


def activity_object_get_or_create(*, object_type: str, native_id: str) -> ActivityObject | None:
    """The integer surrogate of an object (None when the activity is about no object: both parts empty).

    Two recorders racing on a new object both end with the same row: the unique constraint lets one insert
    win and ``get_or_create`` re-reads it in the other (in a savepoint of the caller's transaction).
    """
    if not object_type and not native_id:
        return None
    obj, _ = ActivityObject.objects.get_or_create(object_type=object_type, native_id=native_id)
    return obj


@transaction.atomic
def activity_retract(*, source: str, object_type: str, object_id: str) -> int:
    """Take every activity of ``source`` about one object out of the store and out of every stream.

    Returns how many activities were removed (an unpublished or deleted Aggiefeed post, a deleted file).
    """
    _, per_model = Activity.objects.filter(source=source, object_type=object_type, object_id=object_id).delete()
    return per_model.get(Activity._meta.label, 0)


@transaction.atomic
def feed_token_reset(*, user: User) -> str:
    """Give ``user`` a new personal feed URL and return its path (``/feeds/<secret>``); the old one stops working.

    The row is locked (or created) first, so two resets at the same moment leave exactly one valid URL: the one
    returned to the later of the two.
    """
    nonce = secret_new(32)
    secret = feed_secret(nonce)
    defaults = {"nonce": nonce, "secret_hash": secret_hash(secret), "created": timezone.now()}
    token = FeedToken.objects.select_for_update().filter(user=user).first()
    if token is None:
        FeedToken.objects.update_or_create(user=user, defaults=defaults)
    else:
        FeedToken.objects.filter(pk=token.pk).update(**defaults)
    return feed_path(secret)


def feed_token_revoke(*, user: User) -> bool:
    """Switch the personal feed off: its URL answers 404 from now on. True when there was one."""
    deleted, _ = FeedToken.objects.filter(user=user).delete()
    return deleted > 0
