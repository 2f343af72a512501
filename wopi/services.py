"""Writes of the WOPI host: files, the activities WOPI clients report about them, and edits.

Every write that can race (locks, content, names) runs in a transaction holding the file row
``select_for_update``; activities go to the shared store through ``activities.services.activity_record``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from activities.services import ActivityDraft, activity_record, activity_record_batch
from wopi.errors import (
    FileNameTaken,
    InvalidFileName,
    InvalidWopiRequest,
    LockMismatch,
    UnknownFile,
    UserInfoTooLong,
    WriteNotAllowed,
)
from wopi.models import WopiFile, WopiShare, WopiUserInfo
from wopi.names import legal_extension, legal_stem, name_is_legal, numbered_names, split_name, utf7_encode
from wopi.selectors import WOPI_ACTIVITY_TYPES, WOPI_SOURCE, FileAccess

logger = logging.getLogger(__name__)

STATUS_SUCCESS = 0
STATUS_RETRYABLE = 1
STATUS_PERMANENT = 2
STATUS_UNKNOWN_TYPE = 3
MAX_TEXT_CHARS = 1024
CONTENT_ACTIONS = ("created", "updated", "deleted")
RELATIONSHIPS = ("Mentioned", "InThread", "RepliedTo")
MAX_ACTIVITIES_PER_BATCH = 100


def file_name_check(name: str) -> str:
    """A legal file name (``wopi.names.name_is_legal``: no control character, ``/`` or ``\\``, a stem of at most
    250 characters); else InvalidFileName."""
    if not name_is_legal(name):
        raise InvalidFileName(f"The file name {name[:80]!r} is not allowed.")
    return name


@transaction.atomic
def file_create(*, owner: User, name: str, content: bytes) -> WopiFile:
    """Store a new file of ``owner`` under a legal name (unique per owner, case-insensitively, by the database)."""
    file = WopiFile(owner=owner, name=file_name_check(name), size=len(content))
    file.content.save(f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False)
    file.save()
    return file


def file_share(*, file: WopiFile, user: User, can_write: bool = False) -> WopiShare:
    """Let ``user`` open ``file`` (and edit it when ``can_write``); sharing again updates the right."""
    share, _ = WopiShare.objects.update_or_create(file=file, user=user, defaults={"can_write": can_write})
    return share


def _named(person: dict[str, Any]) -> tuple[int | None, str | None]:
    """The user id and lower-case e-mail a WOPI person who is mentioned or replied to names, else (None, None).

    A person from this host's WOPI client carries our ``UserId`` (the user's primary key) as ``Id``; an
    ``Email`` is matched too. Persons of other providers name nobody.
    """
    if not any(person.get(flag) is True for flag in ("Mentioned", "RepliedTo")):
        return None, None
    provider = person.get("Provider")
    if isinstance(provider, str) and provider and not provider.startswith("wopi-"):
        return None, None
    person_id = person.get("Id")
    email = person.get("Email")
    return (
        int(person_id) if isinstance(person_id, str) and person_id.isdigit() and len(person_id) < 19 else None,
        email.lower() if isinstance(email, str) and "@" in email else None,
    )


def _people_reach(*, file: WopiFile, people: list[dict[str, Any]]) -> dict[int, str]:
    """The active users that ``people`` name and who may open the file (id to lower-case e-mail), one query.

    Users who cannot open the file reach nobody: a stream entry would tell them the name of a file they may
    not see.
    """
    named = [_named(person) for person in people]
    ids = {user_id for user_id, _ in named if user_id is not None}
    emails = {email for _, email in named if email is not None}
    if not ids and not emails:
        return {}
    users = User.objects.filter(is_active=True).filter(Q(pk__in=ids) | Q(email__in=emails))
    reach = users.filter(Q(pk=file.owner_id) | Q(wopi_shares__file=file)).values_list("pk", "email")
    return {user_id: email.lower() for user_id, email in reach}


def _person_users(people: list[dict[str, Any]], reach: dict[int, str]) -> set[int]:
    """Users of ``reach`` named by the mentioned or replied-to persons of ``people``."""
    named = [_named(person) for person in people]
    ids = {user_id for user_id, _ in named if user_id is not None}
    emails = {email for _, email in named if email is not None}
    return {user_id for user_id, email in reach.items() if user_id in ids or email in emails}


def _activity_problem(item: dict[str, Any]) -> str | None:
    """Why a known-type activity can never be accepted (status 2), or None."""
    activity_id = item.get("Id")
    try:
        uuid.UUID(str(activity_id).strip("{}"))
    except ValueError:
        return "Id is not a UUID."
    data = item.get("Data", {})
    if not isinstance(data, dict):
        return "Data is not an object."
    for key in ("ContentId", "NavigationId", "ParentContentId", "CommentText"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or (key != "CommentText" and len(value) > MAX_TEXT_CHARS)):
            return f"Data.{key} is not a string of at most {MAX_TEXT_CHARS} characters."
    if isinstance(data.get("CommentText"), str) and len(data["CommentText"]) > 100_000:
        return "Data.CommentText is too long."
    if data.get("ContentAction") is not None and data.get("ContentAction") not in CONTENT_ACTIONS:
        return "Data.ContentAction is not one of created, updated, deleted."
    if data.get("IsReply") is not None and not isinstance(data.get("IsReply"), bool):
        return "Data.IsReply is not a boolean."
    people = item.get("People", [])
    if not isinstance(people, list) or not all(isinstance(person, dict) for person in people):
        return "People is not an array of objects."
    return None


def _subject(*, type_: str, data: dict[str, Any]) -> str:
    if type_ == "mention":
        return "{actor} mentioned {person} in {file}"
    if data.get("ContentAction") == "deleted":
        return "{actor} deleted a comment on {file}"
    if data.get("ContentAction") == "updated":
        return "{actor} edited a comment on {file}"
    if data.get("IsReply") is True:
        return "{actor} replied to a comment on {file}"
    return "{actor} commented on {file}"


def file_rich_object(file: WopiFile) -> dict[str, Any]:
    return {"type": "file", "id": str(file.pk), "name": file.name, "path": file.name}


def user_rich_object(user: User) -> dict[str, Any]:
    return {"type": "user", "id": user.username, "name": user.shown_name}


def _draft(*, access: FileAccess, item: dict[str, Any], reach: dict[int, str]) -> ActivityDraft:
    file, actor = access.file, access.user
    type_: str = item["Type"]
    data: dict[str, Any] = item.get("Data", {})
    people: list[dict[str, Any]] = item.get("People", [])
    params: dict[str, dict[str, Any]] = {"actor": user_rich_object(actor), "file": file_rich_object(file)}
    mentioned = [p for p in people if p.get("Mentioned") is True]
    if type_ == "mention":
        name = next((p.get("Name") for p in mentioned if isinstance(p.get("Name"), str)), "") or "someone"
        params["person"] = {"type": "highlight", "id": "mentioned", "name": name}
        params["mentioned"] = {
            "type": "audience",
            "id": "mentioned",
            "name": "",
            "users": sorted(_person_users(mentioned, reach)),
        }
    comment = data.get("CommentText") if isinstance(data.get("CommentText"), str) else ""
    return ActivityDraft(
        type=type_,
        subject=_subject(type_=type_, data=data),
        subject_params=params,
        external_id=str(uuid.UUID(str(item["Id"]).strip("{}"))),
        message=comment or "",
        payload={key: item[key] for key in ("Type", "Id", "Timestamp", "Data", "People") if key in item},
        users=frozenset(_person_users(people, reach) | {file.owner_id}),
    )


def _record(*, access: FileAccess, drafts: list[ActivityDraft]) -> None:
    file = access.file
    activity_record_batch(
        source=WOPI_SOURCE,
        actor=access.user,
        object_type="file",
        object_id=str(file.pk),
        object_name=file.name,
        drafts=drafts,
    )


def activities_add(*, access: FileAccess, activities: list[Any]) -> list[dict[str, Any]]:
    """Store a WOPI AddActivities batch: one answer per activity, in request order, with its Id echoed as sent.

    Status 3 for a type the host does not know (nothing stored), 2 for a known type it can never accept
    (an Id that is not a UUID, malformed Data or People), 1 when the database failed for that item (the
    client may retry it), 0 once stored. The Id is compared case-insensitively: a re-sent activity is
    stored once (the store's unique external id) and answered 0 again. The accepted activities are stored
    together in one savepoint (``activity_record_batch``, a fixed number of statements); when that fails
    (a concurrent request stored one of the Ids meanwhile, a database error) each is stored again in its own
    savepoint, so one failure does not undo the others. The audience is the actor, the file's owner and the
    mentioned or replied-to people who may open the file.
    """
    answers: list[dict[str, Any]] = []
    accepted: list[tuple[int, dict[str, Any]]] = []
    for item in activities:
        raw_id = item.get("Id") if isinstance(item, dict) else None
        answer: dict[str, Any] = {"Id": raw_id if isinstance(raw_id, str) else ""}
        if not isinstance(item, dict) or not isinstance(raw_id, str):
            answers.append(answer | {"Status": STATUS_PERMANENT, "Message": "Each activity needs a string Id."})
            continue
        if item.get("Type") not in WOPI_ACTIVITY_TYPES:
            answers.append(answer | {"Status": STATUS_UNKNOWN_TYPE, "Message": "Type not understood"})
            continue
        problem = _activity_problem(item)
        if problem is not None:
            answers.append(answer | {"Status": STATUS_PERMANENT, "Message": problem})
            continue
        accepted.append((len(answers), item))
        answers.append(answer | {"Status": STATUS_SUCCESS})
    if not accepted:
        return answers
    people = [person for _, item in accepted for person in item.get("People", [])]
    reach = _people_reach(file=access.file, people=people)
    drafts = [_draft(access=access, item=item, reach=reach) for _, item in accepted]
    try:
        with transaction.atomic():
            _record(access=access, drafts=drafts)
        return answers
    except DatabaseError:
        pass
    for (index, item), draft in zip(accepted, drafts, strict=True):
        try:
            with transaction.atomic():
                _record(access=access, drafts=[draft])
        except IntegrityError:
            # The same Id was stored by a concurrent request between our look-up and insert: it is stored.
            pass
        except DatabaseError:
            logger.exception("WOPI activity %s of file %s could not be stored", item["Id"], access.file.pk)
            answers[index] |= {"Status": STATUS_RETRYABLE, "Message": "Could not store it now; retry."}
    return answers


LOCK_SECONDS = 30 * 60
MAX_LOCK_CHARS = 1024
MAX_USER_INFO_CHARS = 1024
EDIT_WINDOW_SECONDS = 30 * 60


def _locked_file(file_id: Any) -> WopiFile:
    """The file row, locked until the end of the transaction (UnknownFile once it is gone)."""
    found = WopiFile.objects.select_for_update().filter(pk=file_id).first()
    if found is None:
        raise UnknownFile()
    return found


def current_lock(file: WopiFile) -> str:
    """The file's lock id, or "" when it has none or it expired (an expired lock counts as none)."""
    if file.lock_id and file.lock_expires is not None and file.lock_expires > timezone.now():
        return file.lock_id
    return ""


def _lock_id_check(lock_id: str) -> str:
    """A lock id is 1 to 1024 printable ASCII characters: a control character (a NUL, which PostgreSQL cannot
    store, a tab, an escape) is no opaque id a client means, and could not come back in a 409's header."""
    if not lock_id or len(lock_id) > MAX_LOCK_CHARS or not (lock_id.isascii() and lock_id.isprintable()):
        raise InvalidWopiRequest("X-WOPI-Lock must hold 1 to 1024 printable ASCII characters.")
    return lock_id


def _set_lock(file: WopiFile, lock_id: str) -> None:
    file.lock_id = lock_id
    file.lock_expires = timezone.now() + timedelta(seconds=LOCK_SECONDS) if lock_id else None
    file.save(update_fields=["lock_id", "lock_expires", "modified"])


def _require_write(access: FileAccess) -> None:
    if not access.can_write:
        raise WriteNotAllowed()


@transaction.atomic
def file_lock(*, access: FileAccess, lock_id: str, old_lock_id: str | None = None) -> WopiFile:
    """Lock (or UnlockAndRelock with ``old_lock_id``) under a row lock, so of racing clients exactly one wins.

    Lock: unlocked → take it; the same id → refresh it; anything else → LockMismatch (409, current lock).
    UnlockAndRelock: the current lock must equal ``old_lock_id``; it is replaced in one step. A lock lasts
    30 minutes from the operation that set it. Only a user who may write can lock.
    """
    _require_write(access)
    _lock_id_check(lock_id)
    file = _locked_file(access.file.pk)
    current = current_lock(file)
    if old_lock_id is not None:
        if not current or current != old_lock_id:
            raise LockMismatch(current, "X-WOPI-OldLock does not match the current lock.")
    elif current and current != lock_id:
        raise LockMismatch(current, "The file is locked by another lock id.")
    _set_lock(file, lock_id)
    return file


def _file_holding_lock(access: FileAccess, lock_id: str) -> WopiFile:
    """The file row, locked, when this writer names its current lock; else LockMismatch (unlocked included)."""
    _require_write(access)
    _lock_id_check(lock_id)
    file = _locked_file(access.file.pk)
    current = current_lock(file)
    if not current or current != lock_id:
        raise LockMismatch(current, "The lock id does not match.")
    return file


@transaction.atomic
def file_lock_refresh(*, access: FileAccess, lock_id: str) -> WopiFile:
    """RefreshLock: restart the 30 minutes of a lock whose id matches; else LockMismatch."""
    file = _file_holding_lock(access, lock_id)
    _set_lock(file, lock_id)
    return file


@transaction.atomic
def file_unlock(*, access: FileAccess, lock_id: str) -> WopiFile:
    """Unlock: release a lock whose id matches; else LockMismatch."""
    file = _file_holding_lock(access, lock_id)
    _set_lock(file, "")
    return file


def _record_edit(*, file: WopiFile, actor: User, type_: str, subject: str, extra: dict[str, Any] | None = None) -> None:
    """Record a change the owner wants to hear about. Saves by one editor coalesce: one "edited" activity
    per editor and file per 30-minute window (the store's external id makes the later ones no-ops)."""
    external_id = ""
    if type_ == "file_edited":
        window = int(timezone.now().timestamp() // EDIT_WINDOW_SECONDS)
        external_id = f"edit:{actor.pk}:{window}"
    params = {"actor": user_rich_object(actor), "file": file_rich_object(file), **(extra or {})}
    activity_record(
        source=WOPI_SOURCE,
        type=type_,
        actor=actor,
        users=[file.owner_id],
        object_type="file",
        object_id=str(file.pk),
        object_name=file.name,
        external_id=external_id,
        subject=subject,
        subject_params=params,
    )


def _write_content(*, file: WopiFile, content: bytes, actor: User) -> WopiFile:
    """Replace the bytes of a row-locked file and raise its version; the old bytes go after commit."""
    old_name = file.content.name
    file.content.save(f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False)
    file.size = len(content)
    file.version = file.version + 1
    file.save(update_fields=["content", "size", "version", "modified"])
    if old_name:
        storage = file.content.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    _record_edit(file=file, actor=actor, type_="file_edited", subject="{actor} edited {file}")
    return file


@transaction.atomic
def file_put(*, access: FileAccess, content: bytes, lock_id: str) -> WopiFile:
    """PutFile: replace the content and raise the version, under the row lock.

    Locked file: ``lock_id`` must equal the lock. Unlocked file: accepted only while it is 0 bytes (a client
    fills a new empty file without locking it). Else LockMismatch. The old bytes are removed after commit.
    """
    _require_write(access)
    file = _locked_file(access.file.pk)
    current = current_lock(file)
    mismatch = (current != lock_id) if current else file.size > 0
    if mismatch:
        raise LockMismatch(current, "PutFile needs the current lock." if current else "The file is not locked.")
    return _write_content(file=file, content=content, actor=access.user)


MAX_NUMBERED_NAMES = 1000
_NAME_RACE_RETRIES = 3


@dataclass(frozen=True)
class RelativeTarget:
    """Where PutRelativeFile writes: a suggested name (the host may change it) or a specific one (exact)."""

    name: str
    specific: bool
    overwrite: bool = False


def _free_name(*, owner_id: int, stem: str, extension: str, exclude_pk: Any = None) -> str | None:
    """The first of ``stem.ext``, ``stem (2).ext``… that none of the owner's other files has (case-insensitively),
    read in one query; None when all are taken. The unique constraint still guards the insert."""
    taken = {
        name.lower()
        for name in WopiFile.objects.filter(owner_id=owner_id, name__istartswith=stem)
        .exclude(pk=exclude_pk)
        .values_list("name", flat=True)
    }
    return next(
        (name for name in numbered_names(stem, extension, limit=MAX_NUMBERED_NAMES) if name.lower() not in taken),
        None,
    )


def _create_named(*, owner: User, name: str, content: bytes) -> WopiFile | None:
    """A new file under ``name`` in a savepoint; None when the name was taken meanwhile (its bytes removed)."""
    file = WopiFile(owner=owner, name=name, size=len(content))
    stored = f"{uuid.uuid4().hex}.bin"
    file.content.save(stored, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:
        file.content.storage.delete(file.content.name or stored)
        return None
    return file


def _suggested_parts(*, original: WopiFile, suggestion: str) -> tuple[str, str]:
    """Stem and extension of a suggested target, made legal: ``.ext`` keeps the original's stem, a full name
    brings its own extension (or none); a blank suggestion, or a blank stem, falls back on the original's."""
    original_stem, original_extension = split_name(original.name)
    if not suggestion.strip():
        stem, extension = original_stem, original_extension
    elif suggestion.startswith("."):
        stem, extension = original_stem, suggestion
    else:
        stem, extension = split_name(suggestion)
    return legal_stem(stem) or legal_stem(original_stem) or "Untitled", legal_extension(extension)


def _valid_target_headers(*, owner_id: int, name: str) -> dict[str, str]:
    """``X-WOPI-ValidRelativeTarget`` (UTF-7): a legal, free name near the refused one, when there is one."""
    stem, extension = split_name(name)
    free = _free_name(owner_id=owner_id, stem=legal_stem(stem) or "Untitled", extension=legal_extension(extension))
    return {"X-WOPI-ValidRelativeTarget": utf7_encode(free)} if free else {}


@transaction.atomic
def file_put_relative(*, access: FileAccess, content: bytes, target: RelativeTarget) -> WopiFile:
    """PutRelativeFile: a new file of the token's user from ``content``, beside the original, which stays as it is.

    The new file is the user's own (any user who may open the original may save a copy), so names are unique
    among the user's files. Suggested target: ``.ext`` means the original's stem with that extension; the name is
    made legal and, when taken, numbered (``name (2).ext``): never refused. Specific target: the exact name;
    illegal → InvalidFileName (400), taken → FileNameTaken (409), both with a valid name to use instead; with
    ``overwrite`` a taken name is overwritten (a new version of that file, which the user owns) unless it is
    locked (LockMismatch with its lock). Records "created from" the original in the user's stream.
    """
    user = access.user
    if target.specific:
        if not name_is_legal(target.name):
            raise InvalidFileName(
                f"The file name {target.name[:80]!r} is not allowed.",
                headers=_valid_target_headers(owner_id=user.pk, name=target.name),
            )
        existing = WopiFile.objects.select_for_update().filter(owner=user, name__iexact=target.name).first()
        if existing is not None:
            if not target.overwrite:
                raise FileNameTaken(headers=_valid_target_headers(owner_id=user.pk, name=target.name))
            current = current_lock(existing)
            if current:
                raise LockMismatch(current, "The target file is locked.")
            return _write_content(file=existing, content=content, actor=user)
        created = _create_named(owner=user, name=target.name, content=content)
        if created is None:
            raise FileNameTaken(headers=_valid_target_headers(owner_id=user.pk, name=target.name))
    else:
        stem, extension = _suggested_parts(original=access.file, suggestion=target.name)
        created = None
        for attempt in range(_NAME_RACE_RETRIES + 1):
            # A name taken by a concurrent request between look-up and insert: look again; at last, a unique one.
            name = None
            if attempt < _NAME_RACE_RETRIES:
                name = _free_name(owner_id=user.pk, stem=stem, extension=extension)
            created = _create_named(
                owner=user, name=name or f"{stem[:200]} {uuid.uuid4().hex[:12]}{extension}", content=content
            )
            if created is not None:
                break
        if created is None:
            raise FileNameTaken()
    _record_edit(
        file=created,
        actor=user,
        type_="file_created",
        subject="{actor} created {file} from {source}",
        extra={"source": file_rich_object(access.file)},
    )
    return created


@transaction.atomic
def file_rename(*, access: FileAccess, requested_name: str, lock_id: str) -> WopiFile:
    """RenameFile: give the file ``requested_name`` (a stem) plus its current extension; its id stays.

    Only a user who may write renames. A locked file needs its lock id (an empty ``lock_id`` means none), else
    LockMismatch. The name is made legal and, when another file of the owner has it, numbered
    (``name (2).ext``); a blank request, or no free number, is InvalidFileName with
    ``X-WOPI-InvalidFileNameError``. Records "renamed" in the owner's stream when the name changed.
    """
    _require_write(access)
    file = _locked_file(access.file.pk)
    current = current_lock(file)
    if current and current != lock_id:
        raise LockMismatch(current, "The file is locked by another lock id.")
    stem = legal_stem(requested_name)
    _, extension = split_name(file.name)
    old_name = file.name
    for _ in range(_NAME_RACE_RETRIES):
        name = _free_name(owner_id=file.owner_id, stem=stem, extension=extension, exclude_pk=file.pk) if stem else None
        if name is None:
            break
        try:
            with transaction.atomic():
                file.name = name
                file.save(update_fields=["name", "modified"])
        except IntegrityError:
            continue
        if name != old_name:
            _record_edit(
                file=file,
                actor=access.user,
                type_="file_renamed",
                subject="{actor} renamed {old} to {file}",
                extra={"old": {"type": "highlight", "id": "old-name", "name": old_name}},
            )
        return file
    reason = "The requested name is blank." if not stem else "No free name could be derived from the requested one."
    raise InvalidFileName(reason, headers={"X-WOPI-InvalidFileNameError": reason})


@transaction.atomic
def file_delete(*, access: FileAccess) -> None:
    """DeleteFile: only an unlocked file, only by its owner; its bytes go after commit, its activities stay."""
    if access.file.owner_id != access.user.pk:
        raise WriteNotAllowed("Only the owner may delete the file.")
    file = _locked_file(access.file.pk)
    current = current_lock(file)
    if current:
        raise LockMismatch(current, "The file is locked.")
    name, storage = file.content.name, file.content.storage
    _record_edit(file=file, actor=access.user, type_="file_deleted", subject="{actor} deleted {file}")
    file.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def user_info_put(*, user: User, info: str) -> WopiUserInfo:
    """PutUserInfo: store the client's UserInfo string for the user (at most 1024 characters and no NUL, which
    PostgreSQL text cannot hold; else 400)."""
    if len(info) > MAX_USER_INFO_CHARS:
        raise UserInfoTooLong()
    if "\x00" in info:
        raise InvalidWopiRequest("UserInfo may not hold a NUL character.")
    stored, _ = WopiUserInfo.objects.update_or_create(user=user, defaults={"info": info})
    return stored
