import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase"


def test_change_password_ends_other_sessions_and_keeps_the_calling_one(login, session_client, user, anonymous):
    caller, other = session_client(login(user)), session_client(login(user))

    response = caller.post("/change-password", {"oldPassword": PASSWORD, "newPassword": NEW}, format="json")

    assert response.status_code == 200
    assert response.json() == {}
    assert caller.get("/user-info").status_code == 200
    assert other.get("/user-info").status_code == 401
    assert anonymous.post("/login", {"userName": "ann", "password": PASSWORD}, format="json").status_code == 401
    assert anonymous.post("/login", {"userName": "ann", "password": NEW}, format="json").status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_a_wrong_old_password_is_refused_and_changes_nothing(api, user):
    response = api.post("/change-password", {"oldPassword": "not-it", "newPassword": NEW}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "WRONG_PASSWORD", "message": "The current password is wrong."}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "messages"),
    [
        ("short", ["This password is too short. It must contain at least 8 characters."]),
        ("83927461053829", ["This password is entirely numeric."]),
        ("password", ["This password is too common."]),
        ("ann@example.edu", ["The password is too similar to the email address."]),
        ("x" * 101 + "yz", ["This password is too long. It must contain at most 100 characters."]),
    ],
)
def test_a_new_password_the_validators_refuse_is_invalid_new_password(api, user, new, messages):
    response = api.post("/change-password", {"oldPassword": PASSWORD, "newPassword": new}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_NEW_PASSWORD",
        "message": "The new password is not acceptable.",
        "data": {"messages": messages},
    }
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "body",
    [{}, {"oldPassword": PASSWORD}, {"oldPassword": PASSWORD, "newPassword": 5}, [PASSWORD, NEW]],
)
def test_malformed_password_changes_are_invalid_parameters(api, user, body):
    response = api.post("/change-password", body, format="json")

    assert response.status_code == 400
    assert response.json()["id"] == "INVALID_PARAMETERS_FORMAT"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_needs_a_session(anonymous, session_client, data_token, user):
    body = {"oldPassword": PASSWORD, "newPassword": NEW}

    assert anonymous.post("/change-password", body, format="json").status_code == 401
    assert session_client(data_token).post("/change-password", body, format="json").status_code == 401
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_guessing_the_old_password_is_throttled(api, user, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 2

    answers = [
        api.post("/change-password", {"oldPassword": f"guess-{n}", "newPassword": NEW}, format="json") for n in range(3)
    ]
    right = api.post("/change-password", {"oldPassword": PASSWORD, "newPassword": NEW}, format="json")

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert right.status_code == 429
    assert right.json()["id"] == "TOO_MANY_REQUESTS"
