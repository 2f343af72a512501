"""Authentication and the mandatory header of the OCS family (contract §2), on every OCS endpoint."""

import base64

import pytest

from tests.activities.conftest import basic, record
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    f"/ocs/{version}.php/{path}"
    for version in ("v1", "v2")
    for path in (
        "apps/activity/api/v2/activity",
        "apps/activity/api/v2/activity/all",
        "apps/activity/api/v2/activity/filters",
        "cloud/user",
    )
]
LOGIN_FAILED = (
    '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>997</statuscode>\n'
    "  <message>Unauthorised</message>\n  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n </meta>\n"
    " <data/>\n</ocs>\n"
)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_credentials_is_997_unauthorised_in_the_requested_format(ocs, path):
    response = ocs().get(path, {"format": "json"})

    assert response.status_code == 401
    meta = {"status": "failure", "statuscode": 997, "message": "Current user is not logged in"}
    if "/v1.php/" in path:
        meta |= {"totalitems": "", "itemsperpage": ""}
    assert response.json() == {"ocs": {"meta": meta, "data": []}}


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_wrong_password_fails_in_the_login_step_always_in_xml(ocs, reader, path):
    response = ocs(reader, password="wrong").get(path, {"format": "json"})

    assert response.status_code == 401
    assert response["Content-Type"] == "text/xml; charset=UTF-8"
    assert response["WWW-Authenticate"] == 'Basic realm="Authorisation Required"'
    assert response.content.decode() == LOGIN_FAILED


def test_an_xhr_gets_the_dummy_basic_challenge(ocs, reader):
    response = ocs(reader, password="wrong").get(ENDPOINTS[0], HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'DummyBasic realm="Authorisation Required"'
    assert response.content.decode() == LOGIN_FAILED


def test_the_account_password_works(ocs, reader, actor):
    activity = record(actor, users=[reader])

    response = ocs(reader, password=PASSWORD).get(ENDPOINTS[0], {"format": "json"})

    assert response.status_code == 200
    assert [a["activity_id"] for a in response.json()["ocs"]["data"]] == [activity.pk]


def test_an_app_password_works_and_the_login_name_is_case_insensitive(ocs, reader):
    from accounts.services import app_password_create

    _, secret = app_password_create(user=reader, name="phone")
    client = ocs()
    client.credentials(HTTP_AUTHORIZATION=basic("ANN", secret), HTTP_OCS_APIREQUEST="true")

    response = client.get("/ocs/v2.php/cloud/user", {"format": "json"})

    assert response.status_code == 200
    assert response.json()["ocs"]["data"]["id"] == "ann"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_another_users_app_password_is_refused(ocs, reader, path):
    from accounts.services import app_password_create

    _, secret = app_password_create(user=UserFactory(), name="theirs")

    response = ocs(reader, password=secret).get(path)

    assert response.status_code == 401
    assert response.content.decode() == LOGIN_FAILED


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_inactive_user_is_refused(ocs, reader, path):
    client = ocs(reader)
    reader.is_active = False
    reader.save(update_fields=["is_active"])

    response = client.get(path)

    assert response.status_code == 401
    assert response.content.decode() == LOGIN_FAILED


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":nouser").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic " + base64.b64encode(b"ann\x00:x").decode(),
        "Basic " + "A" * 5000,
        "Basic",
    ],
)
def test_malformed_basic_credentials_are_a_login_failure(ocs, reader, header):
    client = ocs()
    client.credentials(HTTP_AUTHORIZATION=header, HTTP_OCS_APIREQUEST="true")

    response = client.get(ENDPOINTS[0])

    assert response.status_code == 401
    assert response.content.decode() == LOGIN_FAILED


def test_another_scheme_counts_as_no_credentials(ocs):
    client = ocs()
    client.credentials(HTTP_AUTHORIZATION="Bearer abc", HTTP_OCS_APIREQUEST="true")

    response = client.get(ENDPOINTS[0], {"format": "json"})

    assert response.status_code == 401
    assert response.json() == {
        "ocs": {
            "meta": {
                "status": "failure",
                "statuscode": 997,
                "message": "Current user is not logged in",
                "totalitems": "",
                "itemsperpage": "",
            },
            "data": [],
        }
    }


@pytest.mark.parametrize("path", [*ENDPOINTS, "/ocs/v2.php/cloud/capabilities"])
@pytest.mark.parametrize("value", [None, "false", "TRUE", "1"])
def test_without_ocs_apirequest_true_the_csrf_check_fails_with_412(ocs, reader, path, value):
    client = ocs(reader, api_request=False)
    extra = {} if value is None else {"HTTP_OCS_APIREQUEST": value}

    response = client.get(path, {"format": "xml"}, **extra)

    assert response.status_code == 412
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == b'{"message":"CSRF check failed"}'


def test_the_login_check_runs_before_the_csrf_check(ocs):
    response = ocs(api_request=False).get(ENDPOINTS[0], {"format": "json"})

    assert response.status_code == 401


@pytest.mark.parametrize("prefix", ["/ocs/v1.php", "/ocs/v2.php"])
def test_repeated_wrong_passwords_are_throttled_with_429(ocs, reader, settings, prefix):
    settings.LOGIN_THROTTLE_USER_LIMIT = 2
    wrong = ocs(reader, password="wrong")
    statuses = [wrong.get(f"{prefix}/cloud/user").status_code for _ in range(2)]

    throttled = wrong.get(f"{prefix}/cloud/user", {"format": "json"})
    right_password_meanwhile = ocs(reader, password=PASSWORD).get(f"{prefix}/cloud/user")

    assert statuses == [401, 401]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    meta = {"status": "failure", "statuscode": 429, "message": "Too many failed attempts; try again later."}
    if "v1" in prefix:
        meta |= {"totalitems": "", "itemsperpage": ""}
    assert throttled.json() == {"ocs": {"meta": meta, "data": []}}
    assert right_password_meanwhile.status_code == 429


def test_an_app_password_skips_the_throttle_and_works_through_a_lockout(ocs, reader, settings, monkeypatch):
    """Guessing the account password locks it, not the user's sync clients; an app password costs no cache call."""
    from activities.api import authentication

    settings.LOGIN_THROTTLE_USER_LIMIT = 2
    wrong = ocs(reader, password="wrong")
    statuses = [wrong.get("/ocs/v2.php/cloud/user").status_code for _ in range(3)]
    app_client = ocs(reader)
    counted: list[str] = []
    monkeypatch.setattr(authentication, "login_attempt_begin", lambda **kwargs: counted.append("begin"))

    with_app_password = app_client.get("/ocs/v2.php/cloud/user", {"format": "json"})

    assert statuses == [401, 401, 429]
    assert with_app_password.status_code == 200
    assert with_app_password.json()["ocs"]["data"]["id"] == reader.username
    assert counted == []


def test_successful_logins_do_not_count_towards_the_throttle(ocs, reader, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 2
    client = ocs(reader, password=PASSWORD)

    statuses = {client.get("/ocs/v2.php/cloud/user").status_code for _ in range(4)}

    assert statuses == {200}
