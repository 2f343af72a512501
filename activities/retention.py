"""Retention of the activity store: activities older than a cut-off expire, in small batches.

Each batch is its own short transaction, oldest first, so expiry can run from cron beside live traffic
without long locks; stream entries go with their activity (ON DELETE CASCADE at the ORM level).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from activities.models import Activity


def activity_expired_count(*, before: datetime) -> int:
    """How many activities were created before ``before`` (for the progress bar)."""
    return Activity.objects.filter(created__lt=before).count()


def activity_expire(*, before: datetime, batch_size: int = 1000, on_batch: Callable[[int], None] | None = None) -> int:
    """Delete every activity created before ``before``, ``batch_size`` at a time; returns how many went."""
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(
                Activity.objects.filter(created__lt=before).order_by("id").values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return removed
            _, per_model = Activity.objects.filter(id__in=ids).delete()
        batch = per_model.get(Activity._meta.label, 0)
        removed += batch
        if on_batch is not None:
            on_batch(batch)
