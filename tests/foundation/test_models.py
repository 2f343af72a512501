import pytest
from django.db import IntegrityError, transaction

from accounts.models import TokenPermission
from tests.factories import (
    AccessTokenFactory,
    ChannelFactory,
    EventFactory,
    FolderFactory,
    TokenPermissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_channel_names_are_unique_per_user():
    channel = ChannelFactory(name="Work")
    ChannelFactory(name="Work")  # another user may use the name

    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelFactory(user=channel.user, name="Work")


def test_channel_ids_are_unique_per_user_not_globally():
    channel = ChannelFactory(ident="work")
    ChannelFactory(ident="work")

    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelFactory(user=channel.user, ident="work", name="Other")


def test_sibling_folder_names_are_unique_under_a_parent():
    parent = FolderFactory()
    FolderFactory(channel=parent.channel, parent=parent, name="Reports")
    FolderFactory(channel=parent.channel, name="Reports")  # at the root: not a sibling

    with pytest.raises(IntegrityError), transaction.atomic():
        FolderFactory(channel=parent.channel, parent=parent, name="Reports")


def test_root_folder_names_are_unique_in_a_channel():
    folder = FolderFactory(name="Root")

    with pytest.raises(IntegrityError), transaction.atomic():
        FolderFactory(channel=folder.channel, name="Root")


def test_usernames_are_unique_whatever_their_case():
    UserFactory(username="Ann")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="ann")


def test_event_time_and_duration_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(time=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(is_period=True, duration=-5)


def test_a_mark_cannot_carry_a_positive_duration():
    EventFactory(is_period=False, duration=0)
    EventFactory(is_period=True, duration=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(is_period=False, duration=10)


def test_token_names_are_unique_per_user():
    token = AccessTokenFactory(name="app")
    AccessTokenFactory(name="app")

    with pytest.raises(IntegrityError), transaction.atomic():
        AccessTokenFactory(user=token.user, name="app")


def test_a_folder_permission_needs_a_level():
    TokenPermissionFactory(folder_scoped=True, folder_ref=None, level=TokenPermission.Level.READ)

    with pytest.raises(IntegrityError), transaction.atomic():
        TokenPermissionFactory(folder_scoped=True, folder_ref="f1", level=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        TokenPermissionFactory(folder_scoped=False, folder_ref="f1")
