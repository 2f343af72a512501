"""Writes of channels, folders, events and attachments (contract §3, §4, §5, §7).

Every event write locks the channel row (SELECT ... FOR UPDATE) before the period checks, so the checks and
the write are atomic per channel; on PostgreSQL an exclusion constraint backs them up (migration 0002). On
SQLite writers are serialised by ``BEGIN IMMEDIATE`` (settings). Changes a person wants to hear about are
recorded in the owner's activity stream in the same transaction.
"""

from __future__ import annotations

import re
import time as _time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.errors import InvalidItemId, ItemIdAlreadyExists, ItemNameAlreadyExists
from accounts.models import User
from accounts.services import token_permissions_drop
from activities.models import Activity
from activities.services import activity_record
from channels.errors import (
    AttachmentTooLarge,
    Forbidden,
    InvalidOperation,
    InvalidParametersFormat,
    MissingFolder,
    MissingParameter,
    PeriodsOverlap,
    UnknownAttachment,
    UnknownEvent,
    UnknownFolder,
    UnknownReferencedEvent,
    UnknownReferencedFolder,
)
from channels.models import Attachment, Channel, Event, Folder
from channels.permissions import Access, Level
from channels.selectors import (
    ChannelScope,
    FolderNode,
    channel_get,
    channel_scope,
    event_get,
    is_identity,
    reserved_channel_ids,
    shown,
)


class Unset:
    """The value of a field a partial update leaves alone."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
SOURCE = "channels"
MIME_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ACTIVITY_OBJECT_NAME_MAX_LENGTH = Activity._meta.get_field("object_name").max_length


def new_ident() -> str:
    """A server-chosen id: 24 random letters and digits (about 143 bits)."""
    return get_random_string(24, ID_ALPHABET)


def merge_client_data(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """clientData update (contract §2.3): keys with a value are set, keys with null removed, others kept."""
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _check_ident(ident: str, *, reserved: frozenset[str] = frozenset({"null", "*"})) -> None:
    if not is_identity(ident) or ident in reserved:
        raise InvalidItemId(f"'{shown(ident)}' is not a valid id or is reserved.")


def _set_given(instance: Channel | Folder | Event, **values: Any) -> list[str]:
    """Set each value a partial update gives (not ``UNSET``) on ``instance``, ``client_data`` merged into the
    stored one (contract §2.3); the names of the fields set, for ``save(update_fields=...)``.
    """
    fields: list[str] = []
    for field, value in values.items():
        if isinstance(value, Unset):
            continue
        setattr(instance, field, merge_client_data(instance.client_data, value) if field == "client_data" else value)
        fields.append(field)
    if "trashed" in fields and not isinstance(instance, Event):
        # When it went to the trash, for ``purge_trash``; events have ``modified`` for that.
        instance.trashed_at = timezone.now() if instance.trashed else None
        fields.append("trashed_at")
    return fields


def _check_name(name: str) -> str:
    """Channel and folder names: not blank, no control characters (they are shown in lists and pages)."""
    if not name.strip():
        raise InvalidParametersFormat("The name must not be empty.", param="name")
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise InvalidParametersFormat("Control characters are not allowed.", param="name")
    return name


def _actor_params(user: User) -> dict[str, Any]:
    return {"type": "user", "id": user.username, "name": user.shown_name}


def _record(
    *,
    owner: User,
    type: str,
    subject: str,
    place: dict[str, Any],
    object_type: str,
    object_id: str,
    object_name: str,
) -> None:
    activity_record(
        source=SOURCE,
        type=type,
        actor=owner,
        subject=subject,
        subject_params={"actor": _actor_params(owner), "place": place},
        object_type=object_type,
        object_id=object_id,
        # An event's description (its object name) may be longer than the activity keeps.
        object_name=object_name[:ACTIVITY_OBJECT_NAME_MAX_LENGTH],
    )


def _folder_place(node: FolderNode | None, channel: Channel) -> dict[str, Any]:
    if node is None:
        return {"type": "channel", "id": channel.ident, "name": channel.name}
    return {"type": "folder", "id": node.ident, "name": node.name, "channel": channel.ident}


def _delete_files(attachments: Sequence[Attachment]) -> None:
    """Remove stored files once the transaction that deleted their rows has committed."""
    storage_names = [(a.file.storage, a.file.name) for a in attachments if a.file.name]

    def remove() -> None:
        for storage, name in storage_names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def channel_create(
    *,
    user: User,
    name: str,
    ident: str | None = None,
    enforce_no_events_overlap: bool = True,
    client_data: dict[str, Any] | None = None,
) -> Channel:
    """Create a channel. Its id, if chosen, is an identity and no reserved route (``INVALID_ITEM_ID``) nor
    another of the user's channels (``ITEM_ID_ALREADY_EXISTS``); its name is unique among all the user's
    channels, trashed ones included (``ITEM_NAME_ALREADY_EXISTS``). Races end on the unique constraints.
    """
    _check_name(name)
    if ident is not None:
        _check_ident(ident, reserved=reserved_channel_ids())
        if Channel.objects.filter(user=user, ident=ident).exists():
            raise ItemIdAlreadyExists(f"A channel with id '{ident}' already exists.")
    if Channel.objects.filter(user=user, name=name).exists():
        raise ItemNameAlreadyExists(f"A channel named '{name}' already exists.")
    channel = Channel(
        user=user,
        ident=ident or new_ident(),
        name=name,
        enforce_no_events_overlap=enforce_no_events_overlap,
        client_data=client_data or {},
    )
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as exc:
        if Channel.objects.filter(user=user, ident=channel.ident).exists():
            raise ItemIdAlreadyExists(f"A channel with id '{channel.ident}' already exists.") from exc
        raise ItemNameAlreadyExists(f"A channel named '{name}' already exists.") from exc
    return channel


@transaction.atomic
def channel_update(
    *,
    user: User,
    ident: str,
    name: str | Unset = UNSET,
    enforce_no_events_overlap: bool | Unset = UNSET,
    client_data: dict[str, Any] | Unset = UNSET,
    trashed: bool | Unset = UNSET,
) -> Channel:
    """Partial update of one of the user's channels (``UNKNOWN_CHANNEL`` otherwise); ``clientData`` is
    merged. Switching to strict rewrites nothing: the period rules apply to later writes (contract §9.5).
    """
    channel = channel_get(user=user, ident=ident)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    fields: list[str] = []
    if not isinstance(name, Unset) and name != channel.name:
        _check_name(name)
        if Channel.objects.filter(user=user, name=name).exclude(pk=channel.pk).exists():
            raise ItemNameAlreadyExists(f"A channel named '{name}' already exists.")
        channel.name = name
        fields.append("name")
    fields += _set_given(
        channel, enforce_no_events_overlap=enforce_no_events_overlap, client_data=client_data, trashed=trashed
    )
    try:
        with transaction.atomic():
            channel.save(update_fields=fields)
    except IntegrityError as exc:
        raise ItemNameAlreadyExists(f"A channel named '{channel.name}' already exists.") from exc
    return channel


@transaction.atomic
def channel_delete(*, user: User, ident: str) -> bool:
    """Trash a channel, or, when it is already flagged, delete it for good with its folders, events and
    files, and drop the token permissions naming it (contract §7.1, §7.5, §7.6). True when deleted.
    """
    channel = channel_get(user=user, ident=ident)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if not channel.trashed:
        channel.trashed, channel.trashed_at = True, timezone.now()
        channel.save(update_fields=["trashed", "trashed_at"])
        return False
    _delete_files(list(Attachment.objects.filter(event__channel=channel)))
    channel.delete()
    token_permissions_drop(user=user, channel_ref=ident)
    return True


def _require(scope: ChannelScope, pk: int | None, minimum: Level) -> None:
    if scope.level(pk) < minimum:
        raise Forbidden()


def _refuse_trash_target(scope: ChannelScope, folder_pk: int | None) -> None:
    if scope.channel.trashed:
        raise InvalidOperation("The channel is in the trash.", trashed="channel")
    if folder_pk is not None and scope.in_trash(folder_pk):
        raise InvalidOperation("The folder is in the trash.", trashed="folder")


def _sibling_name_taken(scope: ChannelScope, parent_pk: int | None, name: str, exclude_pk: int | None = None) -> bool:
    return any(
        node.parent_pk == parent_pk and node.name == name and node.pk != exclude_pk for node in scope.nodes.values()
    )


@transaction.atomic
def folder_create(
    *,
    access: Access,
    channel_id: str,
    name: str,
    ident: str | None = None,
    parent_id: str | None = None,
    parent_in_path: bool = False,
    hidden: bool = False,
    client_data: dict[str, Any] | None = None,
) -> Folder:
    """Create a folder at the root (whole-channel ``manage``) or under a parent (``manage`` on it).

    Unknown parent: 404 when named in the path, 400 in the body. A parent in the trash or a trashed channel
    is ``INVALID_OPERATION`` (``data.trashed``); a sibling with the name, trashed or not, is
    ``ITEM_NAME_ALREADY_EXISTS``; a chosen id must be a free identity.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    parent = scope.folder(parent_id, in_path=parent_in_path) if parent_id is not None else None
    parent_pk = parent.pk if parent is not None else None
    _require(scope, parent_pk, Level.MANAGE)
    _refuse_trash_target(scope, parent_pk)
    _check_name(name)
    if ident is not None:
        _check_ident(ident)
        if Folder.objects.filter(user_id=scope.channel.user_id, ident=ident).exists():
            raise ItemIdAlreadyExists(f"A folder with id '{ident}' already exists.")
    if _sibling_name_taken(scope, parent_pk, name):
        raise ItemNameAlreadyExists(f"A sibling folder named '{name}' already exists.")
    folder = Folder(
        user_id=scope.channel.user_id,
        channel=scope.channel,
        parent_id=parent_pk,
        ident=ident or new_ident(),
        name=name,
        hidden=hidden,
        client_data=client_data or {},
    )
    try:
        with transaction.atomic():
            folder.save()
    except IntegrityError as exc:
        raise ItemIdAlreadyExists(f"A folder with id '{folder.ident}' already exists.") from exc
    return folder


@transaction.atomic
def folder_update(
    *,
    access: Access,
    channel_id: str,
    folder_id: str,
    name: str | Unset = UNSET,
    parent_id: str | Unset | None = UNSET,
    hidden: bool | Unset = UNSET,
    client_data: dict[str, Any] | Unset = UNSET,
    trashed: bool | Unset = UNSET,
) -> Folder:
    """Partial update of a folder the caller manages; a move needs ``manage`` on the new parent too.

    Moving under itself or a descendant is ``INVALID_OPERATION`` with ``data.reason = "cycle"``; into the
    trash, ``data.trashed``. A move is recorded in the owner's activity stream.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    node = scope.folder(folder_id, in_path=True)
    _require(scope, node.pk, Level.MANAGE)
    folder = Folder.objects.get(pk=node.pk)
    fields: list[str] = []
    new_parent_pk = node.parent_pk
    moved = False
    if not isinstance(parent_id, Unset):
        target = scope.folder(parent_id, in_path=False) if parent_id is not None else None
        new_parent_pk = target.pk if target is not None else None
        if new_parent_pk != node.parent_pk:
            _require(scope, new_parent_pk, Level.MANAGE)
            if new_parent_pk is not None and any(n.pk == node.pk for n in scope.path(new_parent_pk)):
                raise InvalidOperation("A folder cannot move under itself or a descendant.", reason="cycle")
            if new_parent_pk is not None and scope.in_trash(new_parent_pk):
                raise InvalidOperation("The target folder is in the trash.", trashed="folder")
            folder.parent_id = new_parent_pk
            fields.append("parent")
            moved = True
    new_name = folder.name if isinstance(name, Unset) else _check_name(name)
    if (moved or new_name != folder.name) and _sibling_name_taken(scope, new_parent_pk, new_name, node.pk):
        raise ItemNameAlreadyExists(f"A sibling folder named '{new_name}' already exists.")
    if new_name != folder.name:
        folder.name = new_name
        fields.append("name")
    fields += _set_given(folder, hidden=hidden, client_data=client_data, trashed=trashed)
    if fields:
        folder.save(update_fields=fields)
    if moved:
        target_node = scope.nodes[new_parent_pk] if new_parent_pk is not None else None
        _record(
            owner=scope.channel.user,
            type="folder_moved",
            subject="{actor} moved a folder to {place}",
            place=_folder_place(target_node, scope.channel),
            object_type="folder",
            object_id=folder.ident,
            object_name=folder.name,
        )
    return folder


@transaction.atomic
def folder_delete(
    *, access: Access, channel_id: str, folder_id: str, merge_events_with_parent: bool | None = None
) -> bool:
    """Trash a folder, or delete it for good with its descendants when it is itself flagged (contract §7.4).

    Events linked to the deleted folders (any state) need ``merge_events_with_parent``: True moves them to
    the deleted folder's parent, False deletes them with their files; missing is ``MISSING_PARAMETER``.
    Token permissions naming the deleted folders are dropped. True when deleted for good.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    node = scope.folder(folder_id, in_path=True)
    _require(scope, node.pk, Level.MANAGE)
    place = _folder_place(node, scope.channel)
    if not node.trashed:
        Folder.objects.filter(pk=node.pk).update(trashed=True, trashed_at=timezone.now())
        _record(
            owner=scope.channel.user,
            type="folder_trashed",
            subject="{actor} moved {place} to the trash",
            place=place,
            object_type="folder",
            object_id=node.ident,
            object_name=node.name,
        )
        return False
    subtree = scope.subtree(node.pk)
    pks = [n.pk for n in subtree]
    linked = Event.objects.filter(folder_id__in=pks)
    if linked.exists():
        if merge_events_with_parent is None:
            raise MissingParameter(
                "Events are linked to the folder: say what to do with them with 'mergeEventsWithParent'."
            )
        if merge_events_with_parent:
            linked.update(folder_id=node.parent_pk, modified=_time.time())
        else:
            _delete_files(list(Attachment.objects.filter(event__folder_id__in=pks)))
            linked.delete()
    Folder.objects.filter(pk=node.pk).delete()
    token_permissions_drop(
        user=scope.channel.user, channel_ref=scope.channel.ident, folder_refs=[n.ident for n in subtree]
    )
    _record(
        owner=scope.channel.user,
        type="folder_deleted",
        subject="{actor} deleted {place}",
        place=place,
        object_type="folder",
        object_id=node.ident,
        object_name=node.name,
    )
    return True


@dataclass
class EventInput:
    """The writable fields of an event; for an update, the fields left ``UNSET`` are not changed."""

    time: float | Unset = UNSET
    duration: float | Unset | None = UNSET
    folder_id: str | Unset | None = UNSET
    type_class: str | Unset = UNSET
    type_format: str | Unset = UNSET
    value: Any = UNSET
    tags: list[str] | Unset = UNSET
    description: str | Unset = UNSET
    client_data: dict[str, Any] | Unset = UNSET
    trashed: bool | Unset = UNSET


@dataclass
class FileInput:
    """A file sent with an event: the multipart field name (its key) and the uploaded file."""

    key: str
    file: UploadedFile[bytes]


@dataclass
class EventResult:
    """A written event and the id of the running period its write stopped (``stoppedId``): None when none
    was stopped or the caller cannot read the one that was.
    """

    event: Event
    stopped_id: str | None = None


def _clean_tags(tags: list[str]) -> list[str]:
    return [tag.strip() for tag in tags if tag.strip()]


def _ident_shown(scope: ChannelScope, event: Event | None) -> str | None:
    """The event's id when the caller may read it; None for no event or one in a folder it cannot read."""
    if event is None or scope.level(event.folder_id) < Level.READ:
        return None
    return event.ident


def _period_rules(scope: ChannelScope, event: Event) -> Event | None:
    """Contract §5.2 for ``event``, about to be written as a period of a strict channel; returns the
    running period to auto-stop, if any. The channel row must be locked by the caller.

    The rules span the whole channel, so periods the caller cannot read still conflict, overlap or get
    auto-stopped; their ids are kept from it (``conflictingPeriodId`` null, left out of ``overlappedIds``).
    """
    others = Event.objects.filter(channel=scope.channel, is_period=True, trashed=False).exclude(pk=event.pk)
    if event.duration is None:
        later = others.filter(time__gte=event.time).order_by("time", "ident").first()
        if later is not None:
            raise InvalidOperation(
                "A period cannot run while a period exists at or after its start.",
                conflictingPeriodId=_ident_shown(scope, later),
            )
    else:
        end = event.time + event.duration
        overlapped = list(
            others.filter(
                Q(end_time__isnull=False, time__lt=event.time, end_time__gt=event.time)
                | Q(time__gte=event.time, time__lt=end)
            )
            .order_by("time", "ident")
            .only("ident", "folder_id")
        )
        if overlapped:
            shown_ids = [_ident_shown(scope, period) for period in overlapped]
            raise PeriodsOverlap(
                "The period overlaps other periods.", overlappedIds=[ident for ident in shown_ids if ident]
            )
    return others.filter(duration__isnull=True, time__lt=event.time).order_by("-time", "-ident").first()


def _stop(event: Event, at: float, now: float) -> None:
    event.duration = at - event.time
    event.end_time = at
    event.modified = now
    event.save(update_fields=["duration", "end_time", "modified"])


def _place_of(scope: ChannelScope, folder_pk: int | None) -> dict[str, Any]:
    return _folder_place(scope.nodes[folder_pk] if folder_pk is not None else None, scope.channel)


def _record_stop(scope: ChannelScope, stopped: Event) -> None:
    _record(
        owner=scope.channel.user,
        type="period_stopped",
        subject="{actor} stopped a period in {place}",
        place=_place_of(scope, stopped.folder_id),
        object_type="event",
        object_id=stopped.ident,
        object_name=stopped.description,
    )


def _target_folder(scope: ChannelScope, folder_id: str | None) -> int | None:
    """The folder an event goes into: readable or unknown (400), contribute or 403, not in the trash."""
    pk = scope.folder(folder_id, in_path=False).pk if folder_id is not None else None
    _require(scope, pk, Level.CONTRIBUTE)
    _refuse_trash_target(scope, pk)
    return pk


def _apply_shape(event: Event) -> None:
    """Derive ``is_period``/``end_time`` from ``duration`` and validate it (``None`` runs; 0 is a mark)."""
    if event.duration is not None and event.duration < 0:
        raise InvalidParametersFormat("'duration' must not be negative.", param="duration")
    event.end_time = event.time + event.duration if event.is_period and event.duration else None


def _write_period(scope: ChannelScope, event: Event, now: float) -> Event | None:
    """Apply §5.2 when the channel is strict and ``event`` is a live period; auto-stop and mark the guard."""
    event.overlap_guarded = scope.channel.enforce_no_events_overlap
    if not (event.is_period and not event.trashed and scope.channel.enforce_no_events_overlap):
        return None
    runner = _period_rules(scope, event)
    if runner is not None:
        _stop(runner, event.time, now)
    return runner


def _save_files(event: Event, files: Sequence[FileInput], stored: list[str]) -> None:
    """Store the files of an event; ``stored`` collects the storage names so that a failure removes them.

    A key (the multipart field name) is 1 to 255 printable characters; a file is at most
    ``ATTACHMENT_MAX_BYTES``.
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    for item in files:
        if not 0 < len(item.key) <= 255 or not item.key.isprintable():
            raise InvalidParametersFormat("A file's key must be 1 to 255 printable characters.", param="file")
        if item.file.size is not None and item.file.size > limit:
            raise AttachmentTooLarge(f"The file '{item.file.name}' is larger than {limit} bytes.")
    replaced = list(
        Attachment.objects.filter(event=event).filter(
            Q(key__in=[f.key for f in files]) | Q(file_name__in=[f.file.name for f in files])
        )
    )
    if replaced:
        _delete_files(replaced)
        Attachment.objects.filter(pk__in=[a.pk for a in replaced]).delete()
    for item in files:
        file_name = item.file.name or item.key
        content_type = item.file.content_type or ""
        attachment = Attachment(
            event=event,
            key=item.key,
            file_name=file_name,
            content_type=content_type if MIME_TYPE.match(content_type) else "application/octet-stream",
            size=item.file.size or 0,
        )
        if any(other.key != item.key and (other.file.name or other.key) == file_name for other in files):
            raise InvalidParametersFormat(f"Two files of the request are named '{file_name}'.", param=item.key)
        attachment.file.save(file_name, item.file, save=False)
        stored.append(attachment.file.name or "")
        attachment.save()


@contextmanager
def _files_removed_on_error() -> Iterator[list[str]]:
    """Files stored by a write that then fails are removed again (their rows roll back with it)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _event_create(
    scope: ChannelScope, data: EventInput, files: Sequence[FileInput], *, running: bool, now: float
) -> EventResult:
    folder_id = None if isinstance(data.folder_id, Unset) else data.folder_id
    if running and folder_id is None:
        raise MissingFolder("A folder is required to start a period.")
    folder_pk = _target_folder(scope, folder_id)
    duration = None if running or isinstance(data.duration, Unset) else data.duration
    if not running and not isinstance(data.duration, Unset) and data.duration is None:
        raise InvalidParametersFormat(
            "Recorded events must be completed: use events/start to start a running period.", param="duration"
        )
    event = Event(
        user_id=scope.channel.user_id,
        channel=scope.channel,
        folder_id=folder_pk,
        ident=new_ident(),
        time=now if isinstance(data.time, Unset) else data.time,
        duration=duration,
        is_period=running or (duration is not None and duration > 0),
        type_class="" if isinstance(data.type_class, Unset) else data.type_class,
        type_format="" if isinstance(data.type_format, Unset) else data.type_format,
        value=None if isinstance(data.value, Unset) else data.value,
        tags=[] if isinstance(data.tags, Unset) else _clean_tags(data.tags),
        description="" if isinstance(data.description, Unset) else data.description,
        client_data={} if isinstance(data.client_data, Unset) else data.client_data,
        trashed=False,
        modified=now,
    )
    _apply_shape(event)
    stopped = _write_period(scope, event, now)
    event.save()
    if files:
        with _files_removed_on_error() as stored:
            _save_files(event, files, stored)
    place = _place_of(scope, folder_pk)
    if stopped is not None:
        _record_stop(scope, stopped)
    _record(
        owner=scope.channel.user,
        type="period_started" if running else "event_recorded",
        subject="{actor} started a period in {place}" if running else "{actor} recorded an event in {place}",
        place=place,
        object_type="event",
        object_id=event.ident,
        object_name=event.description,
    )
    return EventResult(event=event, stopped_id=_ident_shown(scope, stopped))


@transaction.atomic
def event_create(*, access: Access, channel_id: str, data: EventInput, files: Sequence[FileInput] = ()) -> EventResult:
    """Record a completed event (a mark or a finished period) with its files, under the channel lock.

    ``duration: null`` is refused (use ``event_start``); the folder must be readable (else 400
    ``UNKNOWN_FOLDER``), contributed to (else 403) and not in the trash; the period rules of §5 apply.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    return _event_create(scope, data, files, running=False, now=_time.time())


@transaction.atomic
def event_start(*, access: Access, channel_id: str, data: EventInput) -> EventResult:
    """Start a running period in a folder (``MISSING_FOLDER`` without one), auto-stopping the current one."""
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    return _event_create(scope, data, (), running=True, now=_time.time())


@transaction.atomic
def event_stop(*, access: Access, channel_id: str, event_id: str | None = None, at: float | None = None) -> str | None:
    """Stop a running period (contract §5.3); returns its id, or None when there was none to stop.

    With ``event_id``: unknown is 400 ``UNKNOWN_EVENT``, not running or a stop time not after its start is
    ``INVALID_OPERATION``. Without: the running period with the greatest time before the stop time in a
    strict channel (``MISSING_PARAMETER`` in a non-strict one); a running period the caller cannot read is
    not considered. Needs ``contribute`` on the event's folder.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    now = _time.time()
    stop_at = now if at is None else at
    event: Event | None
    if event_id is not None:
        event = Event.objects.filter(channel=scope.channel, ident=event_id).first()
        if event is None or scope.level(event.folder_id) < Level.READ:
            raise UnknownReferencedEvent(f"Unknown event '{event_id}'.")
        if not event.is_running or event.trashed:
            raise InvalidOperation("The event is not a running period.", reason="notRunning")
    elif not scope.channel.enforce_no_events_overlap:
        raise MissingParameter("This channel allows overlapping periods: say which one to stop with 'id'.")
    else:
        running = Event.objects.filter(
            channel=scope.channel, is_period=True, duration__isnull=True, trashed=False, time__lt=stop_at
        )
        if scope.grant.whole < Level.READ:
            running = running.filter(folder_id__in=scope.readable_pks())
        event = running.order_by("-time", "-ident").first()
        if event is None:
            return None
    _require(scope, event.folder_id, Level.CONTRIBUTE)
    if stop_at <= event.time:
        raise InvalidOperation("A period cannot stop at or before its start.", reason="stopBeforeStart")
    _stop(event, stop_at, now)
    _record_stop(scope, event)
    return event.ident


@transaction.atomic
def event_update(*, access: Access, channel_id: str, event_id: str, data: EventInput) -> EventResult:
    """Partial update of an event (contract §4.3): ``contribute`` on its folder and on a new one; a change
    of ``time``, ``duration`` or ``trashed`` that leaves a live period re-runs the period rules (§5.2).
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    now = _time.time()
    event = event_get(scope=scope, event_id=event_id)
    _require(scope, event.folder_id, Level.CONTRIBUTE)
    if not isinstance(data.folder_id, Unset):
        new_pk = scope.folder(data.folder_id, in_path=False).pk if data.folder_id is not None else None
        if new_pk != event.folder_id:
            _require(scope, new_pk, Level.CONTRIBUTE)
            if new_pk is not None and scope.in_trash(new_pk):
                raise InvalidOperation("The target folder is in the trash.", trashed="folder")
            event.folder_id = new_pk
    timing = False
    if not isinstance(data.time, Unset):
        timing = timing or data.time != event.time
        event.time = data.time
    if not isinstance(data.duration, Unset):
        timing = timing or data.duration != event.duration or not event.is_period
        event.duration = data.duration
        event.is_period = data.duration is None or data.duration > 0
    if not isinstance(data.trashed, Unset):
        timing = timing or data.trashed != event.trashed
        event.trashed = data.trashed
    _set_given(
        event,
        type_class=data.type_class,
        type_format=data.type_format,
        description=data.description,
        client_data=data.client_data,
        value=data.value,
    )
    if not isinstance(data.tags, Unset):
        event.tags = _clean_tags(data.tags)
    _apply_shape(event)
    stopped = _write_period(scope, event, now) if timing else None
    if not timing:
        event.overlap_guarded = event.overlap_guarded and scope.channel.enforce_no_events_overlap
    event.modified = now
    event.save()
    if stopped is not None:
        _record_stop(scope, stopped)
    return EventResult(event=event, stopped_id=_ident_shown(scope, stopped))


@transaction.atomic
def event_delete(*, access: Access, channel_id: str, event_id: str) -> bool:
    """Trash an event, or delete it for good with its files when already flagged. True when deleted."""
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    event = event_get(scope=scope, event_id=event_id)
    _require(scope, event.folder_id, Level.CONTRIBUTE)
    if not event.trashed:
        event.trashed = True
        event.modified = _time.time()
        event.save(update_fields=["trashed", "modified"])
        return False
    _delete_files(list(event.attachments.all()))
    event.delete()
    return True


@transaction.atomic
def attachments_add(*, access: Access, channel_id: str, event_id: str, files: Sequence[FileInput]) -> Event:
    """Attach files to an event (``contribute``); a file with a key or name already there replaces it."""
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    event = event_get(scope=scope, event_id=event_id)
    _require(scope, event.folder_id, Level.CONTRIBUTE)
    if not files:
        raise InvalidParametersFormat("No file was sent.", param="file")
    with _files_removed_on_error() as stored:
        _save_files(event, files, stored)
    event.modified = _time.time()
    event.save(update_fields=["modified"])
    return event


@transaction.atomic
def attachment_delete(*, access: Access, channel_id: str, event_id: str, file_name: str) -> None:
    """Delete one attached file for good (``contribute`` on the event's folder)."""
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    event = event_get(scope=scope, event_id=event_id)
    attachment = next((a for a in event.attachments.all() if a.file_name == file_name), None)
    if attachment is None:
        raise UnknownAttachment(f"Unknown attachment '{file_name}'.")
    _require(scope, event.folder_id, Level.CONTRIBUTE)
    _delete_files([attachment])
    attachment.delete()
    event.modified = _time.time()
    event.save(update_fields=["modified"])


@dataclass
class BatchItem:
    """One event of a batch, with the request-unique reference its result is keyed by."""

    temp_ref_id: str
    data: EventInput


@transaction.atomic
def events_batch(*, access: Access, channel_id: str, items: Sequence[BatchItem]) -> dict[str, EventResult]:
    """Record events taken offline, in order, all or nothing (contract §4.3 batch): each passes the rules
    of ``event_create`` against the channel as the previous items left it; the first failure rolls every
    item back and is raised with ``data.tempRefId`` and ``data.index`` added.
    """
    scope = channel_scope(access=access, channel_id=channel_id, lock=True)
    now = _time.time()
    results: dict[str, EventResult] = {}
    for index, item in enumerate(items):
        try:
            results[item.temp_ref_id] = _event_create(scope, item.data, (), running=False, now=now)
        except (Forbidden, InvalidOperation, PeriodsOverlap, UnknownReferencedFolder, InvalidParametersFormat) as exc:
            exc.data = {**exc.data, "tempRefId": item.temp_ref_id, "index": index}
            raise
    return results


def trash_purge(
    *, before: datetime, dry_run: bool = False, on_item: Callable[[], None] | None = None
) -> dict[str, int]:
    """Delete for good what went to the trash before ``before``: channels, flagged folders, flagged events.

    Each item goes through its owner's delete service (files removed, events of a purged folder deleted with
    it, token permissions dropped), one short transaction at a time, so a run can be stopped and resumed.
    Folders and events inside a purged channel or folder go with it. Returns the counts per kind (for a dry
    run, of what would be purged).
    """
    moment = before.timestamp()
    channels = Channel.objects.filter(trashed=True, trashed_at__lt=before).select_related("user").order_by("pk")
    folders = (
        Folder.objects.filter(trashed=True, trashed_at__lt=before, channel__trashed=False)
        .select_related("user", "channel")
        .order_by("pk")
    )
    events = (
        Event.objects.filter(trashed=True, modified__lt=moment, channel__trashed=False)
        .select_related("user", "channel")
        .order_by("pk")
    )
    counts = {"channels": channels.count(), "folders": folders.count(), "events": events.count()}
    if dry_run:
        return counts
    done = {"channels": 0, "folders": 0, "events": 0}
    for channel in channels.iterator(chunk_size=500):
        done["channels"] += channel_delete(user=channel.user, ident=channel.ident)
        if on_item is not None:
            on_item()
    for folder in folders.iterator(chunk_size=500):
        try:
            deleted = folder_delete(
                access=Access.owner(folder.user),
                channel_id=folder.channel.ident,
                folder_id=folder.ident,
                merge_events_with_parent=False,
            )
        except UnknownFolder:  # went with a purged ancestor
            deleted = False
        done["folders"] += deleted
        if on_item is not None:
            on_item()
    for event in events.iterator(chunk_size=500):
        try:
            deleted = event_delete(
                access=Access.owner(event.user), channel_id=event.channel.ident, event_id=event.ident
            )
        except UnknownEvent:  # went with a purged folder
            deleted = False
        done["events"] += deleted
        if on_item is not None:
            on_item()
    return done
