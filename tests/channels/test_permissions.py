"""Resolution of a token's permission rows into a grant per channel (contract §8.2)."""

import pytest

from channels.permissions import Access, Level
from tests.factories import AccessTokenFactory, TokenPermissionFactory

pytestmark = pytest.mark.django_db


def access(rows, kind="shared"):
    token = AccessTokenFactory(kind=kind)
    for position, (channel_ref, folder_ref, level) in enumerate(rows):
        TokenPermissionFactory(
            token=token,
            position=position,
            channel_ref=channel_ref,
            folder_scoped=folder_ref is not False,
            folder_ref=folder_ref if folder_ref is not False else None,
            level=level,
        )
    return Access.for_token(token)


def test_a_personal_token_manages_everything():
    grant = access([], kind="personal").channel_grant("any")

    assert (grant.whole, grant.reaches) == (Level.MANAGE, True)


def test_the_highest_channel_level_wins():
    grant = access([("work", False, "read"), ("work", False, "contribute")]).channel_grant("work")

    assert grant.whole == Level.CONTRIBUTE


def test_folder_permissions_override_the_channel_level():
    grant = access([("work", False, "manage"), ("work", "a", "read")]).channel_grant("work")

    assert grant.whole == Level.NONE
    assert dict(grant.folders) == {"a": Level.READ}
    assert grant.level_along(["b", "a"]) == Level.READ
    assert grant.level_along(["b"]) == Level.NONE


def test_a_root_folder_permission_is_the_whole_channel():
    grant = access([("work", None, "contribute"), ("work", "a", "manage")]).channel_grant("work")

    assert grant.whole == Level.CONTRIBUTE
    assert grant.level_along(["x"]) == Level.CONTRIBUTE
    assert grant.level_along(["a"]) == Level.MANAGE


def test_star_applies_only_to_channels_not_named():
    token = access([("*", False, "manage"), ("work", False, "read")])

    assert token.channel_grant("work").whole == Level.READ
    assert token.channel_grant("home").whole == Level.MANAGE


def test_no_grant_reaches_nothing():
    grant = access([("work", False, "read")]).channel_grant("home")

    assert (grant.whole, grant.reaches) == (Level.NONE, False)
