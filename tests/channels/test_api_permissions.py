"""The permission matrix of every activity endpoint: no token, unknown token, a session id, another user's
token, a token without grant on the channel, and read / contribute / manage tokens (contract §8, §9)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import session_create
from channels.models import Attachment, Event, Folder
from tests.factories import AttachmentFactory, EventFactory, FolderFactory, UserFactory

pytestmark = pytest.mark.django_db

READ, CONTRIBUTE, MANAGE = "read", "contribute", "manage"
NOW = time.time()

# method, path, JSON body (or "file" for a multipart upload), level needed, status on success
ENDPOINTS = [
    ("get", "/work/folders", None, READ, 200),
    ("post", "/work/folders", {"name": "New"}, MANAGE, 201),
    ("get", "/work/folders/projects", None, READ, 200),
    ("post", "/work/folders/projects", {"name": "Child"}, MANAGE, 201),
    ("put", "/work/folders/projects", {"name": "Renamed"}, MANAGE, 200),
    ("post", "/work/folders/projects/move", {"parentId": None}, MANAGE, 200),
    ("delete", "/work/folders/projects", None, MANAGE, 200),
    ("get", "/work/events", None, READ, 200),
    ("post", "/work/events", {"folderId": "projects", "time": NOW - 60}, CONTRIBUTE, 201),
    ("post", "/work/events/start", {"folderId": "projects"}, CONTRIBUTE, 201),
    ("post", "/work/events/stop", {}, CONTRIBUTE, 200),
    ("get", "/work/events/running", None, READ, 200),
    ("post", "/work/events/batch", [{"tempRefId": "a", "folderId": "projects", "time": NOW - 30}], CONTRIBUTE, 200),
    ("put", "/work/events/ev1", {"description": "changed"}, CONTRIBUTE, 200),
    ("post", "/work/events/ev1", "file", CONTRIBUTE, 200),
    ("delete", "/work/events/ev1", None, CONTRIBUTE, 200),
    ("get", "/work/events/ev1/a.txt", None, READ, 200),
    ("delete", "/work/events/ev1/a.txt", None, CONTRIBUTE, 200),
]
IDS = [f"{method} {path}" for method, path, *_ in ENDPOINTS]
INVALID_TOKEN = {"id": "INVALID_TOKEN", "message": "The access token is missing or invalid."}
UNKNOWN_CHANNEL = {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'work'."}
FORBIDDEN = {"id": "FORBIDDEN", "message": "The access token does not grant permission for this operation."}


@pytest.fixture
def data(channel):
    projects = FolderFactory(channel=channel, ident="projects", name="Projects")
    event = EventFactory(channel=channel, folder=projects, ident="ev1", time=NOW - 7200)
    AttachmentFactory(event=event, key="a", file_name="a.txt")
    EventFactory(channel=channel, folder=projects, ident="run1", time=NOW - 3600, is_period=True, duration=None)
    return channel


def snapshot():
    return (
        list(Folder.objects.order_by("ident").values_list("ident", "name", "parent_id", "trashed")),
        list(Event.objects.order_by("ident").values_list("ident", "trashed", "duration", "description")),
        list(Attachment.objects.order_by("key").values_list("key", "file_name")),
    )


def call(client, method, path, body):
    if body == "file":
        return client.post(path, {"b": SimpleUploadedFile("b.txt", b"bee", "text/plain")}, format="multipart")
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_no_token_is_401(data, api, method, path, body, needed, ok):
    before = snapshot()

    response = call(api(), method, path, body)

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_unknown_token_is_401(data, api, method, path, body, needed, ok):
    before = snapshot()

    response = call(api("not-a-token-" + "x" * 30), method, path, body)

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_a_session_id_is_refused_by_activity_endpoints(data, owner, api, method, path, body, needed, ok):
    before = snapshot()

    response = call(api(session_create(user=owner)), method, path, body)

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_another_users_token_sees_no_such_channel(data, make_token, api, method, path, body, needed, ok):
    before = snapshot()

    response = call(api(make_token(UserFactory(username="bob"))), method, path, body)

    assert response.status_code == 404
    assert response.json() == UNKNOWN_CHANNEL
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_another_users_token_routed_to_the_owner_is_401(data, make_token, api, method, path, body, needed, ok):
    before = snapshot()
    separator = "&" if "?" in path else "?"

    response = call(api(make_token(UserFactory(username="bob"))), method, f"{path}{separator}userName=ann", body)

    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_a_token_without_grant_on_the_channel_sees_no_such_channel(
    data, owner, make_token, api, method, path, body, needed, ok
):
    before = snapshot()

    response = call(api(make_token(owner, [("home", MANAGE)])), method, path, body)

    assert response.status_code == 404
    assert response.json() == UNKNOWN_CHANNEL
    assert snapshot() == before


@pytest.mark.parametrize("level", [READ, CONTRIBUTE, MANAGE])
@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_each_level_may_do_what_it_grants_and_no_more(
    data, owner, make_token, api, level, method, path, body, needed, ok
):
    order = [READ, CONTRIBUTE, MANAGE]
    client = api(make_token(owner, [("work", level)]))
    before = snapshot()

    response = call(client, method, path, body)

    if order.index(level) >= order.index(needed):
        assert response.status_code == ok, response.content
    else:
        assert response.status_code == 403
        batch = path.endswith("/batch")
        assert response.json() == ({**FORBIDDEN, "data": {"tempRefId": "a", "index": 0}} if batch else FORBIDDEN)
        assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body", "needed", "ok"), ENDPOINTS, ids=IDS)
def test_the_star_grant_applies_to_channels_not_named(data, owner, make_token, api, method, path, body, needed, ok):
    client = api(make_token(owner, [("*", MANAGE), ("home", READ)]))

    response = call(client, method, path, body)

    assert response.status_code == ok, response.content


def test_a_channel_named_explicitly_is_not_covered_by_the_star_grant(data, owner, make_token, api):
    client = api(make_token(owner, [("*", MANAGE), ("work", READ)]))

    response = client.post("/work/folders", {"name": "New"}, format="json")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN


@pytest.fixture
def hidden_runner(channel):
    """Folders ``mine`` and ``theirs``; a period runs in ``theirs`` since 1000."""
    FolderFactory(channel=channel, ident="mine", name="Mine")
    theirs = FolderFactory(channel=channel, ident="theirs", name="Theirs")
    return EventFactory(
        channel=channel, folder=theirs, ident="hidden", time=1000, duration=None, end_time=None, is_period=True
    )


def test_start_stops_a_runner_the_token_cannot_read_without_naming_it(owner, make_token, api, hidden_runner):
    client = api(make_token(owner, [("work", "mine", CONTRIBUTE)]))

    response = client.post("/work/events/start", {"folderId": "mine", "time": 2000}, format="json")

    assert response.status_code == 201
    started = Event.objects.get(ident=response.json()["id"])
    assert response.json() == {"id": started.ident}
    hidden_runner.refresh_from_db()
    assert (hidden_runner.duration, hidden_runner.end_time) == (1000, 2000)


def test_a_readable_runner_is_named_when_stopped(owner, make_token, api, hidden_runner):
    client = api(make_token(owner, [("work", "mine", CONTRIBUTE), ("work", "theirs", READ)]))

    response = client.post("/work/events/start", {"folderId": "mine", "time": 2000}, format="json")

    assert response.status_code == 201
    assert response.json() == {"id": Event.objects.get(time=2000).ident, "stoppedId": "hidden"}


def test_period_conflicts_keep_unreadable_ids_from_the_token(owner, make_token, api, channel, hidden_runner):
    EventFactory(
        channel=channel,
        folder=Folder.objects.get(ident="mine"),
        ident="seen",
        time=500,
        duration=50,
        end_time=550,
        is_period=True,
    )
    client = api(make_token(owner, [("work", "mine", CONTRIBUTE)]))

    behind = client.post("/work/events/start", {"folderId": "mine", "time": 900}, format="json")
    overlap = client.post("/work/events", {"folderId": "mine", "time": 520, "duration": 600}, format="json")

    assert behind.status_code == 400
    assert behind.json() == {
        "id": "INVALID_OPERATION",
        "message": "A period cannot run while a period exists at or after its start.",
        "data": {"conflictingPeriodId": None},
    }
    assert overlap.status_code == 400
    assert overlap.json() == {
        "id": "PERIODS_OVERLAP",
        "message": "The period overlaps other periods.",
        "data": {"overlappedIds": ["seen"]},
    }
    assert Event.objects.count() == 2
