"""Channels: GET /channels for tokens (contract §4.1) and the administration endpoints (§9.5), reserved ids."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import TokenPermission
from accounts.services import session_create
from channels.models import Channel, Event
from channels.selectors import reserved_channel_ids
from tests.factories import AccessTokenFactory, ChannelFactory, EventFactory, TokenPermissionFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_SESSION = {"id": "INVALID_CREDENTIALS", "message": "The credentials are missing, invalid or expired."}


def channel_json(ident, name, strict=True, client_data=None, trashed=False):
    return {
        "id": ident,
        "name": name,
        "enforceNoEventsOverlap": strict,
        "clientData": client_data or {},
        "trashed": trashed,
    }


@pytest.fixture
def channels(owner):
    ChannelFactory(user=owner, ident="work", name="Work")
    ChannelFactory(user=owner, ident="home", name="Home", enforce_no_events_overlap=False, client_data={"a": 1})
    ChannelFactory(user=owner, ident="bin", name="Bin", trashed=True)
    ChannelFactory(ident="work", name="Someone else's")


@pytest.fixture
def admin(owner, api):
    return api(session_create(user=owner))


def test_a_personal_token_lists_every_live_channel_by_name(personal, channels):
    response = personal.get("/channels")

    assert response.status_code == 200
    assert response.json() == [channel_json("home", "Home", False, {"a": 1}), channel_json("work", "Work")]


def test_a_shared_token_lists_the_channels_it_can_reach(owner, channels, make_token, api):
    client = api(make_token(owner, [("work", "missing-folder", "read"), ("bin", "manage"), ("gone", "read")]))

    response = client.get("/channels?state=all")

    assert response.json() == [channel_json("work", "Work")]


def test_a_star_token_lists_every_live_channel(owner, channels, make_token, api):
    client = api(make_token(owner, [("*", "read")]))

    assert [c["id"] for c in client.get("/channels").json()] == ["home", "work"]


def test_without_a_valid_credential_get_channels_is_401_invalid_token(channels, api):
    assert api().get("/channels").json() == {
        "id": "INVALID_TOKEN",
        "message": "The access token is missing or invalid.",
    }
    assert api("x" * 40).get("/channels").status_code == 401


def test_a_session_lists_channels_by_state(admin, channels):
    default = admin.get("/channels")
    trashed = admin.get("/channels?state=trashed")
    everything = admin.get("/channels?state=all")

    assert default.json() == [channel_json("home", "Home", False, {"a": 1}), channel_json("work", "Work")]
    assert trashed.json() == [channel_json("bin", "Bin", trashed=True)]
    assert [c["id"] for c in everything.json()] == ["bin", "home", "work"]


def test_a_bad_state_is_400(admin, channels):
    response = admin.get("/channels?state=gone")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "state", "message": '"gone" is not a valid choice.'}],
    }


def test_create_a_channel(admin, owner):
    response = admin.post(
        "/channels",
        {"id": "diary", "name": "Diary", "enforceNoEventsOverlap": False, "clientData": {"x": 1}},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {"id": "diary"}
    channel = Channel.objects.get(user=owner, ident="diary")
    assert (channel.name, channel.enforce_no_events_overlap, channel.client_data) == ("Diary", False, {"x": 1})


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"name": "Work"}, {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A channel named 'Work' already exists."}),
        ({"name": "Bin"}, {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A channel named 'Bin' already exists."}),
        (
            {"name": "X", "id": "work"},
            {"id": "ITEM_ID_ALREADY_EXISTS", "message": "A channel with id 'work' already exists."},
        ),
        (
            {"name": "X", "id": "tokens"},
            {"id": "INVALID_ITEM_ID", "message": "'tokens' is not a valid id or is reserved."},
        ),
        (
            {"name": "X", "id": "a/b"},
            {"id": "INVALID_ITEM_ID", "message": "'a/b' is not a valid id or is reserved."},
        ),
        (
            {"name": ""},
            {
                "id": "INVALID_PARAMETERS_FORMAT",
                "message": "The parameters' format is invalid.",
                "data": [{"param": "name", "message": "This field may not be blank."}],
            },
        ),
        (
            {"name": "X", "enforceNoEventsOverlap": "yes"},
            {
                "id": "INVALID_PARAMETERS_FORMAT",
                "message": "The parameters' format is invalid.",
                "data": [{"param": "enforceNoEventsOverlap", "message": "Must be a valid boolean."}],
            },
        ),
    ],
)
def test_create_errors(admin, channels, body, error):
    count = Channel.objects.count()

    response = admin.post("/channels", body, format="json")

    assert response.status_code == 400
    assert response.json() == error
    assert Channel.objects.count() == count


def test_admin_endpoints_refuse_tokens_and_missing_sessions(owner, channels, make_token, api):
    token = api(make_token(owner))

    responses = [
        token.post("/channels", {"name": "X"}, format="json"),
        token.put("/channels/work", {"name": "X"}, format="json"),
        token.delete("/channels/work"),
        api().post("/channels", {"name": "X"}, format="json"),
        api().delete("/channels/work"),
    ]

    assert [r.status_code for r in responses] == [401] * 5
    assert all(r.json() == NO_SESSION for r in responses)
    assert Channel.objects.filter(user=owner).count() == 3
    assert not Channel.objects.get(user=owner, ident="work").trashed


def test_another_users_session_does_not_see_the_channel(channels, owner, api):
    other = api(session_create(user=UserFactory(username="bob")))

    update = other.put("/channels/home", {"name": "Mine"}, format="json")
    delete = other.delete("/channels/home")
    listing = other.get("/channels?state=all")

    assert update.status_code == delete.status_code == 404
    assert update.json() == delete.json() == {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'home'."}
    assert listing.json() == []
    assert Channel.objects.get(user=owner, ident="home").trashed is False


def test_another_users_session_routed_to_the_owner_is_refused(channels, api):
    other = api(session_create(user=UserFactory(username="bob")))

    response = other.delete("/channels/home?userName=ann")

    assert response.status_code == 401
    assert response.json() == NO_SESSION


def test_update_a_channel(admin, channels, owner):
    response = admin.put(
        "/channels/home",
        {"name": "House", "enforceNoEventsOverlap": True, "clientData": {"a": None, "b": 2}, "id": "ignored"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {}
    channel = Channel.objects.get(user=owner, ident="home")
    assert (channel.name, channel.enforce_no_events_overlap, channel.client_data) == ("House", True, {"b": 2})


def test_update_to_a_taken_name_or_unknown_channel(admin, channels):
    taken = admin.put("/channels/home", {"name": "Work"}, format="json")
    unknown = admin.put("/channels/nope", {"name": "X"}, format="json")

    assert taken.json() == {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A channel named 'Work' already exists."}
    assert unknown.status_code == 404
    assert unknown.json() == {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'nope'."}


def test_switching_to_strict_rewrites_nothing(admin, owner):
    free = ChannelFactory(user=owner, ident="free", enforce_no_events_overlap=False)
    EventFactory(channel=free, ident="a", time=10, duration=100, end_time=110, is_period=True)
    EventFactory(channel=free, ident="b", time=20, duration=100, end_time=120, is_period=True)

    response = admin.put("/channels/free", {"enforceNoEventsOverlap": True}, format="json")

    assert response.status_code == 200
    assert Event.objects.count() == 2


def test_delete_trashes_then_deletes_for_good_and_drops_token_grants(admin, channels, owner):
    token = AccessTokenFactory(user=owner)
    TokenPermissionFactory(token=token, channel_ref="home", level="read")
    TokenPermissionFactory(token=token, channel_ref="work", level="read")
    EventFactory(channel=Channel.objects.get(user=owner, ident="home"))

    first = admin.delete("/channels/home")
    trashed = Channel.objects.get(user=owner, ident="home").trashed
    second = admin.delete("/channels/home")

    assert (first.status_code, first.json(), trashed) == (200, {}, True)
    assert (second.status_code, second.json()) == (200, {})
    assert not Channel.objects.filter(user=owner, ident="home").exists()
    assert not Event.objects.exists()
    assert list(TokenPermission.objects.values_list("channel_ref", flat=True)) == ["work"]


def _top_level_segments(patterns):
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        if route == "" and isinstance(pattern, URLResolver):
            yield from _top_level_segments(pattern.url_patterns)
        elif isinstance(pattern, URLPattern | URLResolver):
            segment = route.split("/", 1)[0].rstrip("$")
            if segment and not any(ch in segment for ch in "<>()[]*?\\.+"):
                yield segment


def test_every_top_level_route_of_the_project_is_a_reserved_channel_id():
    routed = set(_top_level_segments(get_resolver().url_patterns))

    assert routed
    assert routed <= reserved_channel_ids()
    assert {"admin", "api", "ocs", "wopi", "healthz", "readyz", "login", "logout", "channels", "tokens"} <= routed
    assert {"user-info", "change-password", "static", "null", "*"} <= reserved_channel_ids()


@pytest.mark.parametrize("ident", sorted(reserved_channel_ids()))
def test_no_channel_can_take_a_reserved_id(admin, ident):
    response = admin.post("/channels", {"name": f"X {ident}", "id": ident}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "INVALID_ITEM_ID", "message": f"'{ident}' is not a valid id or is reserved."}


def test_an_unrouted_path_is_404_unknown_resource_in_pryv_format(api):
    for method in ("get", "post", "put", "delete"):
        response = getattr(api(), method)("/work/nothing/here")

        assert response.status_code == 404
        assert response.json() == {"id": "UNKNOWN_RESOURCE", "message": "No resource is served at this path."}
        assert "Server-Time" in response


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/wo%00rk/events", {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'wo\x00rk'."}),
        ("/work%0A/folders", {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'work\n'."}),
        ("/work/events/e%00/a.txt", {"id": "UNKNOWN_EVENT", "message": "Unknown event 'e\x00'."}),
        ("/work/folders/%00", {"id": "UNKNOWN_FOLDER", "message": "Unknown folder '\x00'."}),
        ("/" + "x" * 500 + "/events", {"id": "UNKNOWN_CHANNEL", "message": f"Unknown channel '{'x' * 100}'."}),
    ],
)
def test_ids_in_the_path_that_cannot_exist_are_unknown_not_errors(personal, channel, path, body):
    response = personal.get(path)

    assert response.status_code == 404
    assert response.json() == body


def test_admin_paths_with_impossible_ids_are_unknown(admin, channels):
    response = admin.delete("/channels/wo%00rk")

    assert response.status_code == 404
    assert response.json() == {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'wo\x00rk'."}


@pytest.mark.parametrize("path", ["/channels/work/extra", "/tokens-and-more", "/work/events/e/a.txt/more"])
def test_unrouted_pryv_paths_are_unknown_resource(api, path):
    response = api().get(path)

    assert response.status_code == 404
    assert response.json() == {"id": "UNKNOWN_RESOURCE", "message": "No resource is served at this path."}


@pytest.mark.parametrize("path", ["/wopi/nope", "/ocs/nope", "/api/v1/nope/deeper", "/feeds/a/b"])
def test_unrouted_paths_of_other_families_keep_djangos_own_404(api, path):
    response = api().get(path)

    assert response.status_code == 404
    assert b"UNKNOWN_RESOURCE" not in response.content


def test_the_trailing_slash_redirect_still_works_under_other_families(api):
    response = api().get("/admin?next=1")

    assert response.status_code == 301
    assert response["Location"] == "/admin/?next=1"


def test_channel_names_with_control_characters_are_refused(admin, channels):
    response = admin.post("/channels", {"name": "new\nline"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "name", "message": "Control characters are not allowed."}],
    }
