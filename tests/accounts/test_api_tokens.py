import pytest

from accounts.models import AccessToken, AccessTokenCredential, TokenPermission
from accounts.secrets import secret_hash
from accounts.selectors import access_token_by_secret
from tests.factories import AccessTokenCredentialFactory, AccessTokenFactory, TokenPermissionFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    {"channelId": "work", "level": "contribute"},
    {
        "channelId": "diary",
        "folderPermissions": [{"folderId": "f1", "level": "read"}, {"folderId": None, "type": "manage"}],
    },
    {"channelId": "*", "type": "read-only"},
]
PERMISSIONS_OUT = [
    {"channelId": "work", "level": "contribute"},
    {
        "channelId": "diary",
        "folderPermissions": [{"folderId": "f1", "level": "read"}, {"folderId": None, "level": "manage"}],
    },
    {"channelId": "*", "level": "read"},
]
CLIENT_ID = "client-chosen-token-id-0123456789abcdef"
CONTROL_CHARACTERS = "Control characters are not allowed."


def test_create_a_shared_token_returns_its_credential_once_and_stores_only_a_hash(api, user):
    response = api.post("/tokens", {"name": "my app", "permissions": PERMISSIONS}, format="json")

    assert response.status_code == 201
    secret = response.json()["id"]
    assert set(response.json()) == {"id"}
    assert len(secret) >= 32
    token = AccessToken.objects.get(user=user, name="my app")
    assert token.kind == "shared"
    assert list(token.credentials.values_list("secret_hash", flat=True)) == [secret_hash(secret)]
    assert access_token_by_secret(secret=secret) == token
    listed = api.get("/tokens").json()
    assert listed == [{"name": "my app", "type": "shared", "permissions": PERMISSIONS_OUT}]
    assert secret not in str(listed)


def test_the_seed_era_aliases_are_stored_as_levels(api, user):
    api.post(
        "/tokens",
        {"name": "old", "permissions": [{"channelId": "c", "type": "events-write"}]},
        format="json",
    )

    assert list(TokenPermission.objects.values_list("channel_ref", "level")) == [("c", "contribute")]


def test_a_client_may_choose_a_long_enough_id(api, user):
    response = api.post("/tokens", {"id": CLIENT_ID, "name": "mine", "permissions": []}, format="json")

    assert response.status_code == 201
    assert response.json() == {"id": CLIENT_ID}
    assert access_token_by_secret(secret=CLIENT_ID).name == "mine"


@pytest.mark.parametrize("client_id", ["short", "x" * 31, "y" * 101, "has space" + "z" * 30, "é" * 40])
def test_a_client_id_that_is_short_or_odd_is_invalid_item_id(api, client_id):
    response = api.post("/tokens", {"id": client_id, "name": "mine", "permissions": []}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_ITEM_ID",
        "message": "A token id must be 32 to 100 characters among letters, digits, '.', '_' and '-'.",
    }
    assert not AccessToken.objects.exists()


def test_a_used_id_is_item_id_already_exists(api, session_client, other_user):
    session_client(other_user).post("/tokens", {"id": CLIENT_ID, "name": "theirs", "permissions": []}, format="json")

    response = api.post("/tokens", {"id": CLIENT_ID, "name": "mine", "permissions": []}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "ITEM_ID_ALREADY_EXISTS", "message": "A token with that id already exists."}
    assert not AccessToken.objects.filter(name="mine").exists()


def test_a_duplicate_name_is_item_name_already_exists(api, user):
    api.post("/tokens", {"name": "dup", "permissions": []}, format="json")

    response = api.post("/tokens", {"name": "dup", "type": "personal"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A token named 'dup' already exists."}
    assert AccessToken.objects.filter(user=user).count() == 1


def test_the_same_name_is_fine_for_another_user(api, session_client, other_user):
    session_client(other_user).post("/tokens", {"name": "same", "permissions": []}, format="json")

    response = api.post("/tokens", {"name": "same", "permissions": []}, format="json")

    assert response.status_code == 201


def test_a_personal_token_ignores_permissions(api, user):
    response = api.post("/tokens", {"name": "me", "type": "personal", "permissions": PERMISSIONS}, format="json")

    assert response.status_code == 201
    assert api.get("/tokens").json() == [{"name": "me", "type": "personal", "permissions": []}]


@pytest.mark.parametrize(
    ("body", "data"),
    [
        ({"name": "x"}, [{"param": "permissions", "message": "This field is required for a shared token."}]),
        ({"permissions": []}, [{"param": "name", "message": "This field is required."}]),
        ({"name": "", "permissions": []}, [{"param": "name", "message": "This field may not be blank."}]),
        (
            {"name": "x", "type": "public", "permissions": []},
            [{"param": "type", "message": '"public" is not a valid choice.'}],
        ),
        (
            {"name": "x", "permissions": {}},
            [{"param": "permissions", "message": 'Expected a list of items but got type "dict".'}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c"}]},
            [{"param": "permissions.0", "message": "A channel permission needs a level or folder permissions."}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c", "level": "admin"}]},
            [{"param": "permissions.0.level", "message": '"admin" is not a valid choice.'}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c", "level": "read", "type": "read"}]},
            [{"param": "permissions.0.type", "message": "Give either level or its alias type, not both."}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "bad id", "level": "read"}]},
            [{"param": "permissions.0.channelId", "message": "This value does not match the required pattern."}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c", "level": "read", "x": 1}]},
            [{"param": "permissions.0.x", "message": "Unknown property."}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c", "level": "read"}, {"channelId": "c", "level": "manage"}]},
            [{"param": "permissions", "message": "A channel is listed twice."}],
        ),
        (
            {
                "name": "x",
                "permissions": [
                    {
                        "channelId": "c",
                        "folderPermissions": [{"folderId": "f", "level": "read"}, {"folderId": "f", "level": "manage"}],
                    }
                ],
            },
            [{"param": "permissions.0.folderPermissions", "message": "A folder is listed twice."}],
        ),
        (
            {"name": "x", "permissions": [{"channelId": "c", "folderPermissions": [{"level": "read"}]}]},
            [{"param": "permissions.0.folderPermissions.0.folderId", "message": "This field is required."}],
        ),
        ({"name": 7, "permissions": []}, [{"param": "name", "message": "Not a valid string."}]),
        ({"name": "line\nbreak", "permissions": []}, [{"param": "name", "message": CONTROL_CHARACTERS}]),
        ({"name": "bell\x07", "permissions": []}, [{"param": "name", "message": CONTROL_CHARACTERS}]),
        ({"name": "c1\x85c", "permissions": []}, [{"param": "name", "message": CONTROL_CHARACTERS}]),
    ],
)
def test_bad_token_bodies_are_invalid_parameters_format_and_store_nothing(api, body, data):
    response = api.post("/tokens", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": data,
    }
    assert not AccessToken.objects.exists()


def test_personal_get_or_create_mints_a_further_credential_each_time(api, user):
    first = api.post("/tokens/my-app")
    second = api.get("/tokens/my-app")

    assert first.status_code == 200
    assert second.status_code == 200
    one, two = first.json()["id"], second.json()["id"]
    assert one != two
    token = AccessToken.objects.get(user=user, name="my-app")
    assert token.kind == "personal"
    assert access_token_by_secret(secret=one) == token
    assert access_token_by_secret(secret=two) == token
    assert token.credentials.count() == 2


def test_personal_get_or_create_refuses_a_shared_tokens_name(api, user):
    api.post("/tokens", {"name": "shared-one", "permissions": []}, format="json")

    response = api.post("/tokens/shared-one")

    assert response.status_code == 400
    assert response.json() == {
        "id": "ITEM_NAME_ALREADY_EXISTS",
        "message": "A shared token named 'shared-one' already exists.",
    }
    assert AccessTokenCredential.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("path", "messages"),
    [
        ("/tokens/a%00b", [CONTROL_CHARACTERS, "Null characters are not allowed."]),
        ("/tokens/" + "n" * 256, ["Ensure this field has no more than 255 characters."]),
        ("/tokens/a%0Ab", [CONTROL_CHARACTERS]),
        ("/tokens/t%09ab", [CONTROL_CHARACTERS]),
    ],
)
def test_personal_get_or_create_refuses_what_cannot_be_a_token_name(api, method, path, messages):
    response = getattr(api, method)(path)

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "ref", "message": message} for message in messages],
    }
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("ref", ["a\x00b", "n" * 256, "a\nb"])
def test_a_ref_that_no_token_can_have_is_unknown(api, user, method, ref):
    AccessTokenFactory(user=user, name="a")
    path = "/tokens/" + ref.replace("\x00", "%00").replace("\n", "%0A")

    response = getattr(api, method)(path, {"name": "renamed"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"id": "UNKNOWN_TOKEN", "message": f"Unknown token '{ref}'."}
    assert list(AccessToken.objects.values_list("name", flat=True)) == ["a"]


def test_update_renames_retypes_and_replaces_permissions(api, user):
    secret = api.post("/tokens", {"name": "t", "permissions": PERMISSIONS}, format="json").json()["id"]

    renamed = api.put("/tokens/t", {"name": "renamed", "id": "ignored"}, format="json")
    regranted = api.put(f"/tokens/{secret}", {"permissions": [{"channelId": "only", "level": "manage"}]}, format="json")

    assert renamed.status_code == 200
    assert renamed.json() == {}
    assert regranted.status_code == 200
    assert api.get("/tokens").json() == [
        {"name": "renamed", "type": "shared", "permissions": [{"channelId": "only", "level": "manage"}]}
    ]
    assert access_token_by_secret(secret=secret).name == "renamed"


def test_turning_a_token_personal_drops_its_permissions(api, user):
    api.post("/tokens", {"name": "t", "permissions": PERMISSIONS}, format="json")

    response = api.put("/tokens/t", {"type": "personal"}, format="json")

    assert response.status_code == 200
    assert api.get("/tokens").json() == [{"name": "t", "type": "personal", "permissions": []}]
    assert not TokenPermission.objects.exists()


def test_renaming_onto_another_token_is_item_name_already_exists(api, user):
    api.post("/tokens", {"name": "a", "permissions": []}, format="json")
    api.post("/tokens", {"name": "b", "permissions": PERMISSIONS}, format="json")

    response = api.put("/tokens/b", {"name": "a", "permissions": []}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A token named 'a' already exists."}
    assert [t["name"] for t in api.get("/tokens").json()] == ["a", "b"]
    assert TokenPermission.objects.filter(token__name="b").count() == 5


@pytest.mark.parametrize(
    ("body", "data"),
    [
        ({"name": 5}, [{"param": "name", "message": "Not a valid string."}]),
        ({"name": "new\nline"}, [{"param": "name", "message": CONTROL_CHARACTERS}]),
        ({"permissions": "all"}, [{"param": "permissions", "message": 'Expected a list of items but got type "str".'}]),
        ({"secret": "x"}, [{"param": "secret", "message": "Unknown property."}]),
        ([1], [{"param": "", "message": "Invalid data. Expected a dictionary, but got list."}]),
    ],
)
def test_bad_updates_change_nothing(api, body, data):
    api.post("/tokens", {"name": "t", "permissions": PERMISSIONS}, format="json")

    response = api.put("/tokens/t", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": data,
    }
    assert api.get("/tokens").json() == [{"name": "t", "type": "shared", "permissions": PERMISSIONS_OUT}]


def test_delete_removes_the_token_and_all_its_credentials(api, user):
    first = api.post("/tokens/app").json()["id"]
    second = api.post("/tokens/app").json()["id"]

    response = api.delete("/tokens/app")

    assert response.status_code == 200
    assert response.json() == {}
    assert access_token_by_secret(secret=first) is None
    assert access_token_by_secret(secret=second) is None
    assert not AccessTokenCredential.objects.exists()


def test_delete_by_credential(api, user):
    secret = api.post("/tokens", {"name": "t", "permissions": []}, format="json").json()["id"]

    response = api.delete(f"/tokens/{secret}")

    assert response.status_code == 200
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_another_users_token_is_unknown_by_name_and_by_credential(api, other_user, method):
    token = AccessTokenFactory(user=other_user, name="theirs")
    AccessTokenCredentialFactory(token=token, secret="their-secret-credential-" + "q" * 20)

    by_name = getattr(api, method)("/tokens/theirs", {}, format="json")
    by_credential = getattr(api, method)("/tokens/their-secret-credential-" + "q" * 20, {}, format="json")
    unknown = getattr(api, method)("/tokens/nope", {}, format="json")

    assert by_name.status_code == 404
    assert by_name.json() == {"id": "UNKNOWN_TOKEN", "message": "Unknown token 'theirs'."}
    assert by_credential.status_code == 404
    assert unknown.json() == {"id": "UNKNOWN_TOKEN", "message": "Unknown token 'nope'."}
    assert AccessToken.objects.filter(name="theirs").exists()


def test_the_list_shows_only_the_callers_tokens_by_name(api, user, other_user):
    AccessTokenFactory(user=other_user, name="theirs")
    for name in ["b", "a", "c"]:
        AccessTokenFactory(user=user, name=name)

    response = api.get("/tokens")

    assert response.status_code == 200
    assert response.json() == [{"name": name, "type": "shared", "permissions": []} for name in ["a", "b", "c"]]


def test_the_list_is_paged_by_name(api, user):
    for name in ["a", "b", "c", "d"]:
        AccessTokenFactory(user=user, name=name)

    first = api.get("/tokens?limit=2").json()
    second = api.get("/tokens?limit=2&after=b").json()
    bad = api.get("/tokens?limit=0")

    assert [t["name"] for t in first] == ["a", "b"]
    assert [t["name"] for t in second] == ["c", "d"]
    assert bad.status_code == 400
    assert bad.json()["id"] == "INVALID_PARAMETERS_FORMAT"


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_costs_a_fixed_number_of_queries(api, user, count, django_assert_max_num_queries):
    for n in range(count):
        token = AccessTokenFactory(user=user, name=f"t{n:03d}")
        TokenPermissionFactory(token=token, channel_ref="c", level="read")
    api.get("/user-info")

    with django_assert_max_num_queries(4):
        response = api.get("/tokens")

    assert len(response.json()) == count


@pytest.mark.parametrize(
    "call",
    [
        ("get", "/tokens"),
        ("post", "/tokens"),
        ("post", "/tokens/x"),
        ("get", "/tokens/x"),
        ("put", "/tokens/x"),
        ("delete", "/tokens/x"),
    ],
)
def test_token_endpoints_refuse_data_tokens_and_missing_sessions(anonymous, session_client, data_token, call):
    method, path = call

    with_token = getattr(session_client(data_token), method)(path, {}, format="json")
    without = getattr(anonymous, method)(path, {}, format="json")

    assert with_token.status_code == 401
    assert with_token.json() == {
        "id": "INVALID_CREDENTIALS",
        "message": "The credentials are missing, invalid or expired.",
    }
    assert without.status_code == 401
    assert AccessToken.objects.count() == 1
