import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_user_info_is_the_callers(api, other_user):
    response = api.get("/user-info")

    assert response.status_code == 200
    assert response.json() == {
        "userName": "ann",
        "email": "ann@example.edu",
        "displayName": "Ann Archer",
        "language": "en",
    }


def test_put_user_info_changes_only_the_given_fields(api, user):
    response = api.put("/user-info", {"displayName": "Ann A.", "language": "fr"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"userName": "ann", "email": "ann@example.edu", "displayName": "Ann A.", "language": "fr"}
    user.refresh_from_db()
    assert (user.email, user.display_name, user.language) == ("ann@example.edu", "Ann A.", "fr")


def test_put_user_info_ignores_the_read_only_user_name(api, user):
    response = api.put("/user-info", {"userName": "mallory", "email": "new@example.edu"}, format="json")

    assert response.status_code == 200
    assert response.json()["userName"] == "ann"
    assert User.objects.get(pk=user.pk).username == "ann"


def test_put_user_info_accepts_odd_unicode_in_the_display_name(api):
    name = "Zoë 😀 \u202eevil"

    response = api.put("/user-info", {"displayName": name}, format="json")

    assert response.status_code == 200
    assert response.json()["displayName"] == name


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"language": "xx"}, "language", "Not an ISO 639-1 two-letter language code."),
        ({"language": "eng"}, "language", "Not an ISO 639-1 two-letter language code."),
        ({"language": 12}, "language", "Not a valid string."),
        ({"displayName": ["a"]}, "displayName", "Not a valid string."),
        ({"displayName": "x" * 256}, "displayName", "Ensure this field has no more than 255 characters."),
        ({"nickname": "x"}, "nickname", "Unknown property."),
        ({"displayName": "two\nlines"}, "displayName", "Control characters are not allowed."),
        ({"displayName": "escape \x1b[31m red"}, "displayName", "Control characters are not allowed."),
    ],
)
def test_bad_user_info_is_invalid_parameters_format_and_changes_nothing(api, user, body, param, message):
    response = api.put("/user-info", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": param, "message": message}],
    }
    user.refresh_from_db()
    assert (user.email, user.display_name, user.language) == ("ann@example.edu", "Ann Archer", "en")


def test_a_non_object_user_info_body_is_refused(api, user):
    response = api.put("/user-info", [1, 2], format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "", "message": "Invalid data. Expected a dictionary, but got list."}],
    }
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.parametrize("method", ["get", "put"])
def test_user_info_needs_a_session(anonymous, session_client, data_token, user, method):
    refused = {"id": "INVALID_CREDENTIALS", "message": "The credentials are missing, invalid or expired."}

    responses = [
        getattr(client, method)("/user-info", {"language": "fr"}, format="json")
        for client in (anonymous, session_client(data_token), session_client("0" * 32))
    ]

    assert [(r.status_code, r.json(), r["WWW-Authenticate"]) for r in responses] == [(401, refused, "Pryv-Session")] * 3
    user.refresh_from_db()
    assert user.language == "en"
