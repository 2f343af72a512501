"""Reads of Aggiefeed: keys, the posts a key or a moderator may reach, and the streams.

Access rules live here: a key reaches its own source's posts (a staff-scope key every source's); a person
reaches the queues of the sources they approve (a superuser every source's). A post out of reach is
reported as unknown, so its existence does not leak.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from accounts.secrets import secret_hash
from activities.columns import moment_column
from aggiefeed.errors import BadParameter, Forbidden, UnknownActivity
from aggiefeed.models import ApiKey, Post, PostLabel, PostRecipient, Source
from config.rows import model_columns, model_from_row

AFFILIATIONS = ("students", "faculty", "staff")
_BAD_CURSOR = [{"field": "after", "problem": "Not a cursor of this API (take it from the Link header)."}]


_API_KEY_SQL = (
    f"SELECT {model_columns(ApiKey, 'k')} "  # noqa: S608  # nosec B608 - the model's own column names
    "FROM aggiefeed_apikey k WHERE k.secret_hash = %s AND k.is_active"
)


def api_key_by_secret(*, secret: str) -> ApiKey | None:
    """The active key whose hash matches ``secret`` (one query on the unique hash), or None.

    Written out: every keyed request runs it, and compiling the ORM's query cost more than running it. The
    key's source loads on first use (the writes use it, the lists do not).
    """
    if not secret or len(secret) > 256:
        return None
    alias = router.db_for_read(ApiKey)
    with connections[alias].cursor() as cursor:
        cursor.execute(_API_KEY_SQL, [secret_hash(secret)])
        row = cursor.fetchone()
    return model_from_row(ApiKey, alias, row) if row is not None else None


def moderates_any(*, user: User) -> bool:
    """Whether ``user`` moderates at least one source (superusers moderate them all)."""
    return user.is_active and (user.is_superuser or Source.objects.filter(approvers=user).exists())


def posts_moderated(*, user: User) -> QuerySet[Post]:
    """Every post of the sources ``user`` moderates (none for a user who approves no source)."""
    posts = Post.objects.select_related("source")
    if not user.is_active:
        return posts.none()
    if user.is_superuser:
        return posts
    return posts.filter(source__approvers=user)


def _unknown(object_id: str, status: str) -> UnknownActivity:
    """The one answer for an id out of reach, whether it is absent, another source's, or unstorable (NUL)."""
    return UnknownActivity(f"No activity {object_id!r} in queue {str(status)!r}.")


def post_for_key(
    *, api_key: ApiKey, object_id: str, status: str, user_id: str | None = None, lock: bool = False
) -> Post:
    """The one post with this ``object.id`` in queue ``status`` (and author ``user_id`` when given).

    Raises UnknownActivity when nothing matches or the post belongs to another source and the key is not
    staff-scoped; an id with a NUL (which no stored id holds, and PostgreSQL cannot compare) is unknown
    without a query. ``lock`` takes a row lock (call inside a transaction).
    """
    if "\x00" in object_id:
        raise _unknown(object_id, status)
    posts = Post.objects.select_related("source").filter(object_id=object_id, status=status)
    if user_id is not None:
        posts = posts.filter(author_ref=user_id)
    if not api_key.staff_scope:
        posts = posts.filter(source_id=api_key.source_id)
    if lock:
        posts = posts.select_for_update(of=("self",))
    post = posts.first()
    if post is None:
        raise _unknown(object_id, status)
    return post


def post_for_moderator(*, user: User, object_id: str, status: str, lock: bool = False) -> Post:
    """The post ``object_id`` in queue ``status`` of a source ``user`` moderates.

    Raises Forbidden when the user moderates no source at all, UnknownActivity when the post is not
    there or belongs to a source they do not moderate.
    """
    if not moderates_any(user=user):
        raise Forbidden("Only a source's approvers moderate its posts.")
    if "\x00" in object_id:
        raise _unknown(object_id, status)
    posts = posts_moderated(user=user).filter(object_id=object_id, status=status)
    if lock:
        posts = posts.select_for_update(of=("self",))
    post = posts.first()
    if post is None:
        raise _unknown(object_id, status)
    return post


@dataclass(frozen=True)
class StreamQuery:
    """Filters of a list (contract §5): repeated values OR together, different filters AND together."""

    skip: int = 0
    limit: int = 25
    types: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    start_from: datetime | None = None
    start_to: datetime | None = None
    text: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True)
class PostRow:
    """A post of a list page as the list shows it: the stored document (JSON text) and its keyset position.

    The document is read as text, not as a model: a page is the documents as stored, so nothing per row
    needs a model instance, a JSON decoder in the ORM or a serializer.
    """

    document: str
    published: datetime
    object_id: str


def cursor_encode(post: PostRow) -> str:
    """The keyset cursor just past ``post`` in stream order (published newest first, then object id)."""
    raw = f"{post.published.isoformat()}|{post.object_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[datetime, str]:
    """The position ``cursor_encode`` wrote: a UTC moment and an id without NUL, or BadParameter.

    Anything else is refused here, not by the database: PostgreSQL cannot compare a NUL, nor an offset
    beyond ±15:59, and a 500 is not an answer to a hand-made cursor.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        published, object_id = raw.split("|", 1)
        moment = datetime.fromisoformat(published)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadParameter("The cursor is invalid.", details=_BAD_CURSOR) from exc
    if moment.utcoffset() != timedelta(0) or "\x00" in object_id:
        raise BadParameter("The cursor is invalid.", details=_BAD_CURSOR)
    return moment, object_id


def _filtered(posts: QuerySet[Post], query: StreamQuery) -> QuerySet[Post]:
    if query.types:
        posts = posts.filter(object_type__in=query.types)
    if query.labels:
        posts = posts.filter(
            Exists(PostLabel.objects.filter(post_id=OuterRef("pk"), label__in=query.labels)),
        )
    if query.sources:
        posts = posts.filter(source__ident__in=query.sources)
    if query.start_from is not None:
        posts = posts.filter(start_date__gte=query.start_from)
    if query.start_to is not None:
        posts = posts.filter(start_date__lte=query.start_to)
    if query.text:
        posts = posts.filter(Q(title__icontains=query.text) | Q(content__icontains=query.text))
    if query.after:
        published, object_id = _cursor_decode(query.after)
        posts = posts.filter(Q(published__lt=published) | Q(published=published, object_id__gt=object_id))
    return posts


def _page(posts: QuerySet[Post], query: StreamQuery) -> list[PostRow]:
    """One page in stream order plus one row more, which tells the caller whether a next page exists."""
    ordered = _filtered(posts, query).order_by("-published", "object_id")
    rows = ordered.values_list(Cast("document", TextField()), "published", "object_id")
    return [PostRow(*row) for row in rows[query.skip : query.skip + query.limit + 1]]


def _not_expired(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.filter(Q(end_date__isnull=True) | Q(end_date__gt=timezone.now()))


def _audience_of(kname: str) -> Q:
    """Posts that reach ``kname`` (case-insensitive): public, addressed to them, or to an audience group of theirs."""
    groups = list(
        Group.objects.filter(user__username__iexact=kname, name__in=AFFILIATIONS).values_list("name", flat=True)
    )
    reaches = PostRecipient.objects.filter(post_id=OuterRef("pk")).filter(
        Q(kind=PostRecipient.Kind.USER, name=kname.lower()) | Q(kind=PostRecipient.Kind.GROUP, name__in=groups)
    )
    return Q(is_public=True) | Q(Exists(reaches))


# A page of the live stream with no filter but the keyset cursor, written out: the feed's hot read (a client
# polling the newest posts), whose ORM compilation cost more than the query. Fixed fragments; values are
# parameters, adapted by the backend's own rules (SQLite keeps datetimes as text).
_LIVE_PAGE_SQL = (
    "SELECT CAST(document AS text), published, object_id FROM aggiefeed_post "
    "WHERE status = %s AND (end_date IS NULL OR end_date > %s){public}{after} "
    "ORDER BY published DESC, object_id LIMIT %s OFFSET %s"
)


def _unfiltered(query: StreamQuery) -> bool:
    return not (query.types or query.labels or query.sources or query.text) and (
        query.start_from is None and query.start_to is None
    )


def _live_page(*, public_only: bool, query: StreamQuery) -> list[PostRow]:
    """The live posts (public ones only, or all), not expired, from the cursor on: ``_page`` in one SQL."""
    connection = connections[router.db_for_read(Post)]
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [Post.Status.LIVE.value, adapt(timezone.now())]
    after = ""
    if query.after:
        published, object_id = _cursor_decode(query.after)
        after = " AND (published < %s OR (published = %s AND object_id > %s))"
        params += [adapt(published), adapt(published), object_id]
    sql = _LIVE_PAGE_SQL.format(public=" AND is_public" if public_only else "", after=after)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, query.limit + 1, query.skip])
        rows = cursor.fetchall()
    return [PostRow(document, moment_column(published), object_id) for document, published, object_id in rows]


def stream_public(*, query: StreamQuery) -> list[PostRow]:
    """The anonymous stream: live posts addressed to ``public`` whose display window has not ended."""
    if _unfiltered(query):
        return _live_page(public_only=True, query=query)
    posts = _not_expired(Post.objects.filter(status=Post.Status.LIVE, is_public=True))
    return _page(posts, query)


def stream_for_key(*, api_key: ApiKey, query: StreamQuery, kname: str | None = None) -> list[PostRow]:
    """The live stream as a key sees it (contract §5).

    With ``kname``: what that user should see. Without: public posts only, or every live post for a
    staff-scoped key. Posts whose ``endDate`` has passed are left out.
    """
    if kname is None and _unfiltered(query):
        return _live_page(public_only=not api_key.staff_scope, query=query)
    posts = _not_expired(Post.objects.filter(status=Post.Status.LIVE))
    if kname is not None:
        posts = posts.filter(_audience_of(kname))
    elif not api_key.staff_scope:
        posts = posts.filter(is_public=True)
    return _page(posts, query)


def queue_for_moderator(*, user: User, query: StreamQuery, kname: str | None = None) -> list[PostRow]:
    """The approval queue of the sources ``user`` moderates; Forbidden for someone who moderates none."""
    if not moderates_any(user=user):
        raise Forbidden("Only a source's approvers see its approval queue.")
    posts = posts_moderated(user=user).filter(status=Post.Status.APPROVAL)
    if kname is not None:
        posts = posts.filter(_audience_of(kname))
    return _page(posts, query)
