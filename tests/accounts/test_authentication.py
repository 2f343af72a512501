import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.api.authentication import PryvSessionAuthentication, PryvTokenAuthentication
from accounts.errors import InvalidCredentials, InvalidToken
from accounts.models import AccessToken
from accounts.selectors import access_token_by_secret
from accounts.services import session_create
from tests.factories import AccessTokenCredentialFactory, AccessTokenFactory, TokenPermissionFactory

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


def _request(credential="", path="/c/events", **extra):
    return Request(factory.get(path, HTTP_AUTHORIZATION=credential, **extra))


def test_a_data_token_authenticates_activity_calls_with_its_token_as_auth(user, data_token):
    found_user, token = PryvTokenAuthentication().authenticate(_request(data_token))

    assert found_user == user
    assert token.name == "data"


@pytest.mark.parametrize("credential", ["", "unknown", "x" * 600])
def test_missing_or_unknown_tokens_are_invalid_token(credential):
    with pytest.raises(InvalidToken):
        PryvTokenAuthentication().authenticate(_request(credential))


def test_a_session_id_is_not_a_data_token(user):
    with pytest.raises(InvalidToken):
        PryvTokenAuthentication().authenticate(_request(session_create(user=user)))


def test_a_token_of_another_than_the_routed_user_is_invalid_token(user, other_user, data_token, settings):
    settings.ALLOWED_HOSTS = [".pryv.localhost", "testserver"]

    with pytest.raises(InvalidToken):
        PryvTokenAuthentication().authenticate(_request(data_token, path="/c/events?userName=bob"))
    with pytest.raises(InvalidToken):
        PryvTokenAuthentication().authenticate(_request(data_token, HTTP_HOST="bob.pryv.localhost"))
    assert PryvTokenAuthentication().authenticate(_request(data_token, HTTP_HOST="ann.pryv.localhost"))[0] == user


def test_the_session_class_returns_the_session_key_as_auth(user):
    session_id = session_create(user=user)

    assert PryvSessionAuthentication().authenticate(_request(session_id)) == (user, session_id)


def test_the_session_class_refuses_a_data_token(data_token):
    with pytest.raises(InvalidCredentials):
        PryvSessionAuthentication().authenticate(_request(data_token))


def test_a_token_comes_with_its_user_and_permission_rows_in_one_query(user, django_assert_num_queries):
    token = AccessTokenFactory(user=user, kind=AccessToken.Kind.SHARED)
    for position, ref in [(2, "c"), (0, "a"), (1, "b")]:
        TokenPermissionFactory(token=token, position=position, channel_ref=ref)
    AccessTokenCredentialFactory(token=token, secret="three-rows-" + "x" * 30)

    with django_assert_num_queries(1):
        found = access_token_by_secret(secret="three-rows-" + "x" * 30)
        assert found is not None
        assert found.user.username == user.username
        assert [p.channel_ref for p in found.loaded_permissions or []] == ["a", "b", "c"]
        assert [p.position for p in found.loaded_permissions or []] == [0, 1, 2]


def test_a_personal_token_without_rows_loads_no_permission(user, django_assert_num_queries):
    token = AccessTokenFactory(user=user, kind=AccessToken.Kind.PERSONAL)
    AccessTokenCredentialFactory(token=token, secret="personal-" + "x" * 30)

    with django_assert_num_queries(1):
        found = access_token_by_secret(secret="personal-" + "x" * 30)

    assert found == token
    assert found is not None
    assert found.loaded_permissions == []


def test_an_inactive_users_token_is_not_found(user):
    token = AccessTokenFactory(user=user)
    AccessTokenCredentialFactory(token=token, secret="inactive-" + "x" * 30)
    user.is_active = False
    user.save()

    assert access_token_by_secret(secret="inactive-" + "x" * 30) is None
