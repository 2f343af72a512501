import pytest

from accounts.errors import UnknownAppPassword
from accounts.models import TokenPermission
from accounts.selectors import ChannelGrant, FolderGrant, token_grants
from accounts.services import app_password_create, app_password_revoke, token_create, token_permissions_drop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _grants_of(token):
    return token_grants(permissions=token.permissions.order_by("position"))


def test_dropping_a_channel_removes_every_entry_naming_it_in_the_users_tokens_only():
    user, other = UserFactory(), UserFactory()
    grants = [
        ChannelGrant("gone", "read", (FolderGrant("f1", "manage"),)),
        ChannelGrant("kept", "contribute"),
    ]
    mine, _ = token_create(user=user, name="t", grants=grants)
    theirs, _ = token_create(user=other, name="t", grants=[ChannelGrant("gone", "read")])

    removed = token_permissions_drop(user=user, channel_ref="gone")

    assert removed == 2
    assert _grants_of(mine) == [ChannelGrant("kept", "contribute")]
    assert _grants_of(theirs) == [ChannelGrant("gone", "read")]


def test_dropping_folders_keeps_the_channel_permission_while_other_folders_remain():
    user = UserFactory()
    grants = [ChannelGrant("c", None, (FolderGrant("f1", "read"), FolderGrant("f2", "manage")))]
    token, _ = token_create(user=user, name="t", grants=grants)

    removed = token_permissions_drop(user=user, channel_ref="c", folder_refs=["f1", "unrelated"])

    assert removed == 1
    assert _grants_of(token) == [ChannelGrant("c", None, (FolderGrant("f2", "manage"),))]


def test_dropping_the_last_folder_drops_the_channel_level_too_so_it_cannot_widen():
    user = UserFactory()
    token, _ = token_create(user=user, name="t", grants=[ChannelGrant("c", "manage", (FolderGrant("f1", "read"),))])

    removed = token_permissions_drop(user=user, channel_ref="c", folder_refs=["f1"])

    assert removed == 2
    assert _grants_of(token) == []


def test_dropping_folders_of_a_channel_level_only_permission_changes_nothing():
    user = UserFactory()
    token_create(user=user, name="t", grants=[ChannelGrant("c", "read")])

    assert token_permissions_drop(user=user, channel_ref="c", folder_refs=["f1"]) == 0
    assert TokenPermission.objects.count() == 1


def test_app_passwords_are_revoked_only_by_their_owner():
    owner, other = UserFactory(), UserFactory()
    app_password, secret = app_password_create(user=owner, name="phone")

    with pytest.raises(UnknownAppPassword):
        app_password_revoke(user=other, app_password_id=app_password.pk)
    app_password_revoke(user=owner, app_password_id=app_password.pk)

    assert len(secret) >= 32
    assert not owner.app_passwords.exists()
