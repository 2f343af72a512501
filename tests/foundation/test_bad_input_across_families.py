"""Every family refuses bad bodies cheaply, in its own error format, and changes nothing."""

import pytest

from accounts.services import access_token_credential_add
from activities.models import Activity
from aggiefeed.models import Post
from channels.models import Event
from tests.factories import (
    AccessTokenFactory,
    AggiefeedApiKeyFactory,
    ChannelFactory,
    TokenPermissionFactory,
    UserFactory,
    WopiFileFactory,
)
from wopi.tokens import access_token_mint

pytestmark = pytest.mark.django_db
API_KEY = "bad-input-api-key-" + "k" * 24
TOO_LARGE = "The request body is larger than 1000 bytes."


@pytest.fixture
def targets():
    """(family, path, headers) of one write endpoint of each family, with real credentials."""
    user = UserFactory()
    token = AccessTokenFactory(user=user)
    TokenPermissionFactory(token=token, channel_ref="*", level="manage")
    secret = access_token_credential_add(token=token)
    ChannelFactory(user=user, ident="work")
    wopi_file = WopiFileFactory(owner=user)
    wopi_token = access_token_mint(user_id=user.pk, file_id=str(wopi_file.pk)).token
    AggiefeedApiKeyFactory(secret=API_KEY)
    return {
        "pryv": ("/work/events", {"HTTP_AUTHORIZATION": secret}),
        "wopi": (f"/wopi/files/{wopi_file.pk}?access_token={wopi_token}", {"HTTP_X_WOPI_OVERRIDE": "ADD_ACTIVITIES"}),
        "aggiefeed": ("/api/v1/activity", {"HTTP_AUTHORIZATION": f"ApiKey {API_KEY}"}),
    }


def _post(client, target, body):
    path, headers = target
    return client.generic("POST", path, data=body, content_type="application/json", **headers)


def _nothing_stored():
    assert not Event.objects.exists()
    assert not Post.objects.exists()
    assert not Activity.objects.exists()


def test_a_body_over_the_limit_is_413_in_each_format(client, targets, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"a": "' + b"x" * 5000 + b'"}'

    pryv, wopi, aggiefeed = (_post(client, targets[family], body) for family in ("pryv", "wopi", "aggiefeed"))

    assert (pryv.status_code, pryv.json()) == (413, {"id": "REQUEST_TOO_LARGE", "message": TOO_LARGE})
    assert (wopi.status_code, wopi.content) == (413, b"")
    assert aggiefeed.status_code == 413
    assert aggiefeed.json() == {"error": {"status": 413, "code": "too_large", "message": TOO_LARGE, "details": []}}
    _nothing_stored()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 1100 + b"]" * 1100, id="nested-1100-deep"),
        pytest.param(b'{"a": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param(b'{"a": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"a": "nul \\u0000 inside"}', id="nul-character"),
        pytest.param(b'{"a": ', id="truncated"),
    ],
)
def test_unparsable_bodies_are_400_in_each_format(client, targets, body):
    pryv, wopi, aggiefeed = (_post(client, targets[family], body) for family in ("pryv", "wopi", "aggiefeed"))

    assert pryv.status_code == 400
    assert pryv.json()["id"] == "INVALID_REQUEST_STRUCTURE"
    assert set(pryv.json()) == {"id", "message"}
    assert (wopi.status_code, wopi.content) == (400, b"")
    assert aggiefeed.status_code == 400
    assert aggiefeed.json()["error"]["code"] == "invalid_json"
    _nothing_stored()


def test_control_characters_in_names_are_refused_and_change_nothing(client, targets):
    path, headers = targets["pryv"]
    channel_path = path.replace("/events", "/folders")

    response = client.post(channel_path, {"name": "tab\there\x07"}, content_type="application/json", **headers)

    assert response.status_code == 400
    assert response.json()["id"] == "INVALID_PARAMETERS_FORMAT"


def test_too_many_query_parameters_are_a_400_in_the_family_format(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    user = UserFactory()
    client.force_login(user)
    query = "&".join(f"p{n}=1" for n in range(20))

    pryv = client.get(f"/tokens?{query}")
    aggiefeed = client.get(f"/api/v1/activity/public?{query}")

    assert pryv.status_code == 400
    assert pryv.json()["id"] == "INVALID_REQUEST_STRUCTURE"
    assert aggiefeed.status_code == 400
    assert aggiefeed.json()["error"]["code"] == "invalid_json"
