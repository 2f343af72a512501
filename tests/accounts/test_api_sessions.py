import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.selectors import basic_credentials_user
from accounts.services import SESSION_TOUCH_SECONDS, SESSION_TOUCHED_KEY, session_store
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INVALID_CREDENTIALS = {"id": "INVALID_CREDENTIALS", "message": "The credentials are missing, invalid or expired."}
WRONG_LOGIN = {"id": "INVALID_CREDENTIALS", "message": "The user name or password is wrong."}


def test_login_returns_a_session_id_that_authenticates_admin_calls(anonymous, session_client, user):
    response = anonymous.post("/login", {"userName": "ann", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"sessionID"}
    assert "Server-Time" in response
    info = session_client(response.json()["sessionID"]).get("/user-info")
    assert info.status_code == 200
    assert info.json()["userName"] == "ann"


def test_login_accepts_the_username_alias_and_any_case_of_the_name(anonymous, user):
    response = anonymous.post("/login", {"username": "ANN", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_login_records_the_last_login(anonymous, user):
    anonymous.post("/login", {"userName": "ann", "password": PASSWORD}, format="json")

    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize(
    "body",
    [
        {"userName": "ann", "password": "wrong-password"},
        {"userName": "nobody", "password": PASSWORD},
        {"userName": "ann"},
        {"password": PASSWORD},
        {},
        {"userName": "", "password": ""},
    ],
)
def test_bad_or_missing_credentials_get_one_and_the_same_answer(anonymous, user, body):
    response = anonymous.post("/login", body, format="json")

    assert response.status_code == 401
    assert response.json() == WRONG_LOGIN
    assert not Session.objects.exists()


def test_an_inactive_user_cannot_log_in(anonymous):
    from tests.factories import UserFactory

    UserFactory(username="gone", is_active=False)

    response = anonymous.post("/login", {"userName": "gone", "password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json() == WRONG_LOGIN


def test_a_routed_user_name_with_a_nul_is_nobody(anonymous, user):
    response = anonymous.post("/login?userName=ann%00", {"password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json() == WRONG_LOGIN


def test_a_basic_user_name_with_a_nul_is_nobody(user):
    assert basic_credentials_user(username="ann\x00", password=PASSWORD) == (None, False)


def test_login_for_another_routed_user_is_refused(anonymous, user, settings):
    settings.ALLOWED_HOSTS = [".pryv.localhost", "testserver"]

    by_host = anonymous.post(
        "/login", {"userName": "ann", "password": PASSWORD}, format="json", HTTP_HOST="bob.pryv.localhost"
    )
    by_query = anonymous.post("/login?userName=bob", {"userName": "ann", "password": PASSWORD}, format="json")
    routed_only = anonymous.post("/login", {"password": PASSWORD}, format="json", HTTP_HOST="ann.pryv.localhost")

    assert by_host.status_code == 401
    assert by_host.json() == WRONG_LOGIN
    assert by_query.status_code == 401
    assert by_query.json() == WRONG_LOGIN
    assert routed_only.status_code == 200


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        (b'{"userName": "ann", ', "application/json", "INVALID_REQUEST_STRUCTURE"),
        (b'["ann", "pw"]', "application/json", "INVALID_PARAMETERS_FORMAT"),
        (b'"ann"', "application/json", "INVALID_PARAMETERS_FORMAT"),
        (b'{"userName": 5, "password": true}', "application/json", "INVALID_PARAMETERS_FORMAT"),
        (b'{"userName": "ann", "password": "x", "extra": 1}', "application/json", "INVALID_PARAMETERS_FORMAT"),
        (b'{"userName": "a\\ud800", "password": "x"}', "application/json", "INVALID_REQUEST_STRUCTURE"),
        (b'{"userName": "a\\u0000", "password": "x"}', "application/json", "INVALID_REQUEST_STRUCTURE"),
        (b"userName=ann&password=x", "application/x-www-form-urlencoded", "INVALID_REQUEST_STRUCTURE"),
    ],
)
def test_bad_login_bodies_are_4xx_in_the_pryv_format(anonymous, user, raw, content_type, expected):
    response = anonymous.generic("POST", "/login", raw, content_type=content_type)

    assert response.status_code == 400 if content_type == "application/json" else 415
    assert response.json()["id"] == expected
    assert set(response.json()) <= {"id", "message", "data"}
    assert not Session.objects.exists()


def test_wrong_types_name_the_parameters(anonymous):
    response = anonymous.post("/login", {"userName": 5, "password": ["x"]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [
            {"param": "userName", "message": "Not a valid string."},
            {"param": "password", "message": "Not a valid string."},
        ],
    }


def test_an_oversize_login_body_is_413(anonymous, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = anonymous.post("/login", {"userName": "ann", "password": "x" * 200}, format="json")

    assert response.status_code == 413
    assert response.json() == {"id": "REQUEST_TOO_LARGE", "message": "The request body is larger than 100 bytes."}


def test_logout_ends_the_session_so_a_second_logout_is_refused(login, session_client, user):
    client = session_client(login(user))

    first = client.post("/logout")
    second = client.post("/logout")
    info = client.get("/user-info")

    assert first.status_code == 200
    assert first.json() == {}
    assert second.status_code == 401
    assert second.json() == INVALID_CREDENTIALS
    assert info.status_code == 401


def test_logout_ends_only_the_calling_session(login, session_client, user):
    one, two = session_client(login(user)), session_client(login(user))

    one.post("/logout")

    assert two.get("/user-info").status_code == 200


@pytest.mark.parametrize("endpoint", [("get", "/user-info"), ("post", "/logout"), ("get", "/tokens")])
def test_admin_calls_without_a_session_are_401(anonymous, endpoint):
    method, path = endpoint

    response = getattr(anonymous, method)(path)

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS
    assert response["WWW-Authenticate"] == "Pryv-Session"


@pytest.mark.parametrize("credential", ["nonsense", "a" * 32, "x" * 5000, "ÿ\u202e", "abc def"])
def test_admin_calls_with_an_unknown_session_are_401(session_client, user, credential):
    response = session_client(credential).get("/user-info")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_a_data_token_is_not_a_session(session_client, data_token):
    response = session_client(data_token).get("/user-info")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_an_expired_session_is_refused(login, session_client, user):
    session_id = login(user)
    Session.objects.filter(session_key=session_id).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = session_client(session_id).get("/user-info")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_sessions_last_fourteen_days_by_default(login, user, settings):
    before = timezone.now()

    session_id = login(user)

    expiry = Session.objects.get(session_key=session_id).expire_date
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert datetime.timedelta(days=14) <= expiry - before < datetime.timedelta(days=14, seconds=60)


def test_a_session_in_use_is_extended_without_a_write_on_every_call(login, session_client, user):
    session_id = login(user)
    client = session_client(session_id)
    Session.objects.filter(session_key=session_id).update(expire_date=timezone.now() + datetime.timedelta(days=1))

    client.get("/user-info")
    unchanged = Session.objects.get(session_key=session_id).expire_date
    session = session_store(session_id)
    session[SESSION_TOUCHED_KEY] = int(session[SESSION_TOUCHED_KEY]) - SESSION_TOUCH_SECONDS
    session.save()
    Session.objects.filter(session_key=session_id).update(expire_date=unchanged)
    client.get("/user-info")
    extended = Session.objects.get(session_key=session_id).expire_date

    assert unchanged < timezone.now() + datetime.timedelta(days=2)
    assert extended > timezone.now() + datetime.timedelta(days=13)


def test_an_authenticated_call_costs_two_queries_between_touches(api, django_assert_num_queries):
    api.get("/user-info")

    with django_assert_num_queries(2):
        response = api.get("/user-info")

    assert response.status_code == 200


def test_another_users_session_is_refused_for_the_routed_user(session_client, user, other_user, settings):
    settings.ALLOWED_HOSTS = [".pryv.localhost", "testserver"]
    client = session_client(other_user)

    by_query = client.get("/user-info?userName=ann")
    by_host = client.get("/user-info", HTTP_HOST="ann.pryv.localhost")
    unknown_user = client.get("/user-info?userName=nobody")
    own = client.get("/user-info?userName=BOB")

    assert by_query.status_code == 401
    assert by_query.json() == INVALID_CREDENTIALS
    assert by_host.status_code == 401
    assert by_host.json() == INVALID_CREDENTIALS
    assert unknown_user.json() == INVALID_CREDENTIALS
    assert own.status_code == 200
    assert own.json()["userName"] == "bob"


def test_the_query_user_name_wins_over_the_host(session_client, user, settings):
    settings.ALLOWED_HOSTS = [".pryv.localhost", "testserver"]

    response = session_client(user).get("/user-info?userName=ann", HTTP_HOST="bob.pryv.localhost")

    assert response.status_code == 200


def test_the_auth_query_parameter_is_a_fallback_and_the_header_wins(login, user):
    session_id = login(user)
    client = APIClient()

    fallback = client.get(f"/user-info?auth={session_id}")
    header_wins = client.get(f"/user-info?auth={session_id}", HTTP_AUTHORIZATION="wrong-session-id")

    assert fallback.status_code == 200
    assert header_wins.status_code == 401


def test_a_deactivated_users_session_stops_working(api, user):
    user.is_active = False
    user.save()

    response = api.get("/user-info")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_a_browser_session_cookie_works_with_csrf_on_unsafe_calls(client, user):
    client.force_login(user)
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies

    read = csrf_client.get("/user-info")
    write_without_token = csrf_client.put("/user-info", {"displayName": "X"}, format="json")
    token = "k" * 32
    csrf_client.cookies["csrftoken"] = token
    write_with_token = csrf_client.put("/user-info", {"displayName": "X"}, format="json", HTTP_X_CSRFTOKEN=token)

    assert read.status_code == 200
    assert write_without_token.status_code == 403
    assert write_without_token.json() == {
        "id": "FORBIDDEN",
        "message": "CSRF check failed: CSRF cookie not set.",
    }
    assert write_with_token.status_code == 200
    assert write_with_token.json()["displayName"] == "X"


def test_wrong_method_is_refused_in_the_pryv_format(api):
    response = api.delete("/user-info")

    assert response.status_code == 405
    assert response.json() == {"id": "INVALID_OPERATION", "message": 'Method "DELETE" not allowed.'}
