import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.api.authentication import PryvSessionAuthentication, PryvTokenAuthentication
from accounts.errors import InvalidCredentials, InvalidToken
from accounts.services import session_create

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
