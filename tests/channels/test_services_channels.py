import pytest

from accounts.errors import InvalidItemId, ItemIdAlreadyExists, ItemNameAlreadyExists
from channels.errors import (
    InvalidParametersFormat,
    UnknownChannel,
)
from channels.models import Attachment, Channel, Event, Folder
from channels.selectors import channel_list
from channels.services import channel_create, channel_delete, channel_update
from tests.factories import AttachmentFactory, ChannelFactory, EventFactory, FolderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_channel_create_generates_an_id_and_defaults_to_strict():
    user = UserFactory()

    channel = channel_create(user=user, name="Work")

    assert len(channel.ident) == 24
    assert channel.ident.isalnum()
    assert channel.enforce_no_events_overlap is True
    assert channel.client_data == {}


def test_channel_create_keeps_a_chosen_id_and_client_data():
    user = UserFactory()

    channel = channel_create(
        user=user, name="Work", ident="work", enforce_no_events_overlap=False, client_data={"a": 1}
    )

    channel.refresh_from_db()
    assert (channel.ident, channel.enforce_no_events_overlap, channel.client_data) == ("work", False, {"a": 1})


@pytest.mark.parametrize("ident", ["null", "*", "api", "admin", "wopi", "ocs", "has space", "a" * 101, ""])
def test_channel_create_refuses_reserved_or_invalid_ids(ident):
    user = UserFactory()

    with pytest.raises(InvalidItemId):
        channel_create(user=user, name="Work", ident=ident)

    assert not Channel.objects.exists()


def test_channel_create_refuses_a_taken_id_and_a_taken_name_even_in_the_trash():
    existing = ChannelFactory(ident="work", name="Work", trashed=True)

    with pytest.raises(ItemIdAlreadyExists):
        channel_create(user=existing.user, name="Other", ident="work")
    with pytest.raises(ItemNameAlreadyExists):
        channel_create(user=existing.user, name="Work")


def test_another_users_channel_names_and_ids_do_not_clash():
    ChannelFactory(ident="work", name="Work")

    channel = channel_create(user=UserFactory(), name="Work", ident="work")

    assert channel.pk


def test_channel_update_merges_client_data_and_changes_only_given_fields():
    channel = ChannelFactory(name="Work", client_data={"keep": 1, "drop": 2})

    channel_update(user=channel.user, ident=channel.ident, client_data={"drop": None, "new": 3}, trashed=True)

    channel.refresh_from_db()
    assert channel.client_data == {"keep": 1, "new": 3}
    assert (channel.name, channel.trashed, channel.enforce_no_events_overlap) == ("Work", True, True)


def test_channel_update_refuses_a_name_taken_by_another_channel():
    channel = ChannelFactory(name="Work")
    ChannelFactory(user=channel.user, name="Home")

    with pytest.raises(ItemNameAlreadyExists):
        channel_update(user=channel.user, ident=channel.ident, name="Home")


def test_channel_update_treats_another_users_channel_as_unknown():
    channel = ChannelFactory()

    with pytest.raises(UnknownChannel):
        channel_update(user=UserFactory(), ident=channel.ident, name="Mine")


def test_channel_delete_trashes_first_then_deletes_everything_for_good(django_capture_on_commit_callbacks):
    channel = ChannelFactory()
    folder = FolderFactory(channel=channel)
    attachment = AttachmentFactory(event=EventFactory(channel=channel, folder=folder))
    stored = attachment.file.name
    storage = attachment.file.storage

    assert channel_delete(user=channel.user, ident=channel.ident) is False
    channel.refresh_from_db()
    assert channel.trashed is True
    assert storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        assert channel_delete(user=channel.user, ident=channel.ident) is True

    assert not Channel.objects.exists()
    assert not Folder.objects.exists()
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()
    assert not storage.exists(stored)


def test_channel_list_filters_by_state_and_sorts_by_name():
    user = UserFactory()
    b = ChannelFactory(user=user, name="B")
    a = ChannelFactory(user=user, name="A")
    trashed = ChannelFactory(user=user, name="C", trashed=True)
    ChannelFactory(name="Other user's")

    assert list(channel_list(user=user)) == [a, b]
    assert list(channel_list(user=user, state="trashed")) == [trashed]
    assert list(channel_list(user=user, state="all")) == [a, b, trashed]


@pytest.mark.parametrize("name", ["  ", "new\nline"])
def test_channel_names_must_be_visible_text(name):
    user = UserFactory()

    with pytest.raises(InvalidParametersFormat):
        channel_create(user=user, name=name)

    assert not Channel.objects.exists()
