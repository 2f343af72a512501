"""purge_trash: what has been in the trash longer than the window is deleted for good, files included."""

import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from channels.models import Attachment, Channel, Event, Folder
from channels.permissions import Access
from channels.services import channel_delete, channel_update, folder_delete
from tests.factories import AttachmentFactory, ChannelFactory, EventFactory, FolderFactory

pytestmark = pytest.mark.django_db
OLD = timezone.now() - timedelta(days=40)


def test_trashing_and_restoring_stamp_and_clear_trashed_at():
    channel = ChannelFactory()
    folder = FolderFactory(channel=channel)

    channel_delete(user=channel.user, ident=channel.ident)
    folder_delete(access=Access.owner(channel.user), channel_id=channel.ident, folder_id=folder.ident)
    channel.refresh_from_db()
    folder.refresh_from_db()
    trashed_channel_at, trashed_folder_at = channel.trashed_at, folder.trashed_at
    channel_update(user=channel.user, ident=channel.ident, trashed=False)
    channel.refresh_from_db()

    assert trashed_channel_at is not None
    assert trashed_folder_at is not None
    assert channel.trashed_at is None


def test_purge_deletes_old_trash_with_files_and_keeps_recent_trash_and_live_items(
    capsys, django_capture_on_commit_callbacks
):
    old_channel = ChannelFactory(trashed=True, trashed_at=OLD)
    recent_channel = ChannelFactory(trashed=True, trashed_at=timezone.now())
    live = ChannelFactory()
    old_folder = FolderFactory(channel=live, trashed=True, trashed_at=OLD)
    event_in_old_folder = EventFactory(channel=live, folder=old_folder)
    old_event = EventFactory(channel=live, trashed=True, modified=time.time() - 40 * 86400)
    attachment = AttachmentFactory(event=old_event)
    stored_name = attachment.file.name
    storage = attachment.file.storage
    recent_event = EventFactory(channel=live, trashed=True)
    kept_event = EventFactory(channel=live)
    EventFactory(channel=old_channel)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        call_command("purge_trash", "--days", "30")

    assert set(Channel.objects.values_list("pk", flat=True)) == {recent_channel.pk, live.pk}
    assert not Folder.objects.filter(pk=old_folder.pk).exists()
    assert set(Event.objects.values_list("pk", flat=True)) == {recent_event.pk, kept_event.pk}
    assert not Event.objects.filter(pk=event_in_old_folder.pk).exists()
    assert not Attachment.objects.exists()
    assert not storage.exists(stored_name)
    captured = capsys.readouterr()
    assert "Purged 1 channels, 1 folders, 1 events" in captured.out
    assert "Purging the trash [" in captured.err


def test_dry_run_only_counts(capsys):
    ChannelFactory(trashed=True, trashed_at=OLD)

    call_command("purge_trash", "--days", "30", "--dry-run")

    assert Channel.objects.count() == 1
    assert "In the trash for more than 30 days: 1 channels, 0 folders, 0 events." in capsys.readouterr().out


def test_an_out_of_range_window_is_refused_with_a_hint():
    with pytest.raises(CommandError, match="--days must be between 0"):
        call_command("purge_trash", "--days", "-1")
