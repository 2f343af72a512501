from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import Activity, StreamEntry
from tests.factories import ActivityFactory, StreamEntryFactory

pytestmark = pytest.mark.django_db


def test_expire_removes_old_activities_and_their_stream_entries_in_batches(capsys):
    old = [ActivityFactory(created=timezone.now() - timedelta(days=40)) for _ in range(5)]
    recent = ActivityFactory(created=timezone.now() - timedelta(days=2))
    for activity in [*old, recent]:
        StreamEntryFactory(activity=activity)

    call_command("expire_activities", "--days", "30", "--batch-size", "2")

    assert list(Activity.objects.values_list("id", flat=True)) == [recent.id]
    assert list(StreamEntry.objects.values_list("activity_id", flat=True)) == [recent.id]
    captured = capsys.readouterr()
    assert "Expired 5 activities older than 30 days." in captured.out
    assert "Expiring activities [" in captured.err


def test_dry_run_only_counts(capsys):
    ActivityFactory(created=timezone.now() - timedelta(days=40))

    call_command("expire_activities", "--days", "30", "--dry-run")

    assert Activity.objects.count() == 1
    assert "1 activities are older than 30 days." in capsys.readouterr().out


def test_zero_days_is_refused_with_a_hint():
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("expire_activities", "--days", "0")
