"""GET /{channel}/events (contract §4.3): folders, time window, state, order, paging, modifiedSince, tags."""

import time

import pytest

from tests.factories import EventFactory, FolderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def folders(channel):
    projects = FolderFactory(channel=channel, ident="projects", name="Projects")
    hub = FolderFactory(channel=channel, ident="hub", name="Hub", parent=projects)
    other = FolderFactory(channel=channel, ident="other", name="Other")
    return projects, hub, other


def ids(response):
    assert response.status_code == 200, response.content
    return [event["id"] for event in response.json()]


def test_newest_first_by_default_and_oldest_first_on_request(personal, channel):
    for index, at in enumerate([300, 100, 200]):
        EventFactory(channel=channel, ident=f"e{index}", time=at)

    assert ids(personal.get("/work/events")) == ["e0", "e2", "e1"]
    assert ids(personal.get("/work/events?sortAscending=true")) == ["e1", "e2", "e0"]


def test_ties_on_time_are_broken_by_id(personal, channel):
    EventFactory(channel=channel, ident="b", time=100)
    EventFactory(channel=channel, ident="a", time=100)

    assert ids(personal.get("/work/events")) == ["b", "a"]
    assert ids(personal.get("/work/events?sortAscending=true")) == ["a", "b"]


def test_limit_defaults_to_20_without_a_time_range(personal, channel):
    for index in range(25):
        EventFactory(channel=channel, ident=f"e{index:02d}", time=1000 + index)

    assert len(ids(personal.get("/work/events"))) == 20
    assert len(ids(personal.get(f"/work/events?fromTime=0&toTime={time.time()}"))) == 25
    assert ids(personal.get("/work/events?skip=3&limit=2")) == ["e21", "e20"]


def test_only_to_time_means_the_24_hours_before_it(personal, channel):
    EventFactory(channel=channel, ident="too-old", time=100_000 - 86_401)
    EventFactory(channel=channel, ident="inside", time=100_000 - 86_400)
    EventFactory(channel=channel, ident="after", time=100_001)

    assert ids(personal.get("/work/events?toTime=100000")) == ["inside"]


def test_only_from_time_means_until_now(personal, channel):
    now = time.time()
    EventFactory(channel=channel, ident="past", time=now - 100)
    EventFactory(channel=channel, ident="future", time=now + 3600)

    assert ids(personal.get(f"/work/events?fromTime={now - 200}")) == ["past"]


def test_periods_still_going_at_from_time_are_inside_the_window(personal, channel):
    EventFactory(channel=channel, ident="long", time=100, duration=500, end_time=600, is_period=True)
    EventFactory(channel=channel, ident="short", time=100, duration=10, end_time=110, is_period=True)
    EventFactory(channel=channel, ident="running", time=50, is_period=True)
    EventFactory(channel=channel, ident="mark", time=150)

    assert ids(personal.get("/work/events?fromTime=200&toTime=1000")) == ["long", "running"]


def test_state_filters_on_the_event_flag_and_on_folders_in_the_trash(personal, channel, folders):
    projects, hub, _ = folders
    hub.trashed = True
    hub.save()
    EventFactory(channel=channel, ident="live", folder=projects, time=3)
    EventFactory(channel=channel, ident="flagged", folder=projects, trashed=True, time=2)
    EventFactory(channel=channel, ident="in-trashed-folder", folder=hub, time=1)

    assert ids(personal.get("/work/events")) == ["live"]
    assert ids(personal.get("/work/events?state=trashed")) == ["flagged", "in-trashed-folder"]
    assert ids(personal.get("/work/events?state=all")) == ["live", "flagged", "in-trashed-folder"]


def test_only_folders_includes_descendants_and_null_for_no_folder(personal, channel, folders):
    projects, hub, other = folders
    EventFactory(channel=channel, ident="p", folder=projects, time=4)
    EventFactory(channel=channel, ident="h", folder=hub, time=3)
    EventFactory(channel=channel, ident="o", folder=other, time=2)
    EventFactory(channel=channel, ident="none", time=1)

    assert ids(personal.get("/work/events?onlyFolders=projects")) == ["p", "h"]
    assert ids(personal.get("/work/events?onlyFolders[]=hub&onlyFolders[]=null")) == ["h", "none"]
    assert ids(personal.get("/work/events?onlyFolders=other&onlyFolders=hub")) == ["h", "o"]


def test_unknown_only_folders_are_400_with_their_ids(personal, channel, folders):
    response = personal.get("/work/events?onlyFolders=hub&onlyFolders=nope&onlyFolders=gone")

    assert response.status_code == 400
    assert response.json() == {
        "id": "UNKNOWN_FOLDER",
        "message": "Unknown folders in 'onlyFolders'.",
        "data": {"unknownIds": ["nope", "gone"]},
    }


def test_modified_since_and_tags_all_of(personal, channel):
    EventFactory(channel=channel, ident="old", modified=100, tags=["a", "b"], time=3)
    EventFactory(channel=channel, ident="ab", modified=300, tags=["a", "b"], time=2)
    EventFactory(channel=channel, ident="a", modified=300, tags=["a"], time=1)

    assert ids(personal.get("/work/events?modifiedSince=200")) == ["ab", "a"]
    assert ids(personal.get("/work/events?tags=a&tags=b")) == ["old", "ab"]
    assert ids(personal.get("/work/events?tags[]=a&modifiedSince=200")) == ["ab", "a"]
    assert ids(personal.get("/work/events?tags=zzz")) == []


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        ("skip=-1", "skip", "Ensure this value is greater than or equal to 0."),
        ("limit=abc", "limit", "A valid integer is required."),
        ("limit=1001", "limit", "Ensure this value is less than or equal to 1000."),
        ("fromTime=yesterday", "fromTime", "A valid number is required."),
        ("state=gone", "state", '"gone" is not a valid choice.'),
        ("sortAscending=maybe", "sortAscending", "Must be a valid boolean."),
    ],
)
def test_bad_query_parameters_are_400(personal, channel, query, param, message):
    response = personal.get(f"/work/events?{query}")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": param, "message": message}],
    }


def test_a_folder_scoped_token_sees_only_events_it_may_read(channel, folders, owner, make_token, api):
    _, hub, other = folders
    EventFactory(channel=channel, ident="h", folder=hub, time=3)
    EventFactory(channel=channel, ident="o", folder=other, time=2)
    EventFactory(channel=channel, ident="none", time=1)
    client = api(make_token(owner, [("work", "projects", "read")]))

    assert ids(client.get("/work/events")) == ["h"]
    assert ids(client.get("/work/events?onlyFolders=null")) == []
    response = client.get("/work/events?onlyFolders=other")
    assert response.status_code == 400
    assert response.json()["data"] == {"unknownIds": ["other"]}


def test_trashed_channel_events_are_still_readable(personal, channel):
    channel.trashed = True
    channel.save()
    EventFactory(channel=channel, ident="e")

    assert ids(personal.get("/work/events")) == ["e"]


@pytest.mark.parametrize("path", ["/work/events", "/work/folders", "/channels"])
def test_more_query_parameters_than_django_parses_is_400_in_the_pryv_format(personal, channel, path):
    query = "&".join(f"onlyFolders=f{index}" for index in range(1001))

    response = personal.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_REQUEST_STRUCTURE",
        "message": "The request has more than 1000 query parameters.",
    }
