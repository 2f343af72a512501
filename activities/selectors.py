"""Reads of the shared activity store (the stream of a user, the activities of one object)."""

from __future__ import annotations

from django.db.models import QuerySet

from activities.models import Activity, StreamEntry


def stream_entries(*, user_id: int, source: str | None = None) -> QuerySet[StreamEntry]:
    """The stream of one user, newest first; callers page it by keyset on ``activity_id``."""
    entries = StreamEntry.objects.filter(user_id=user_id)
    if source is not None:
        entries = entries.filter(source=source)
    return entries.order_by("-activity_id")


def stream_latest(*, user_id: int, limit: int = 20) -> list[Activity]:
    """The latest ``limit`` activities that reach a user, for the administration page (one query)."""
    ids = stream_entries(user_id=user_id).values("activity_id")[:limit]
    return list(Activity.objects.filter(pk__in=ids).order_by("-id"))


def object_activities(*, source: str, object_type: str, object_id: str) -> QuerySet[Activity]:
    """All activities of one source about one object, newest first (index ``activities_by_object``)."""
    return Activity.objects.filter(source=source, object_type=object_type, object_id=object_id).order_by("-id")
