"""Events (contract §4.3, §5, §7): record, start, stop, running, update, trash and delete, batch."""

import time

import pytest

from activities.models import Activity
from channels.models import Event
from tests.factories import ChannelFactory, EventFactory, FolderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(channel):
    return FolderFactory(channel=channel, ident="projects", name="Projects")


def period(channel, ident, start, duration, folder=None, **extra):
    end = start + duration if duration else None
    return EventFactory(
        channel=channel,
        folder=folder,
        ident=ident,
        time=start,
        duration=duration,
        end_time=end,
        is_period=True,
        **extra,
    )


def nested(levels):
    """Arrays ``levels`` deep: ``[[...]]``."""
    value = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_record_a_mark_and_read_it_back_whole(personal, projects):
    response = personal.post(
        "/work/events",
        {
            "time": 1000.5,
            "folderId": "projects",
            "type": {"class": "note", "format": "txt"},
            "value": {"text": "hi ☃"},
            "tags": [" a ", "", "b"],
            "comment": "seed-era name",
            "clientData": {"app:k": 1},
            "id": "ignored",
            "modified": 1,
        },
        format="json",
    )

    assert response.status_code == 201
    ident = response.json()["id"]
    assert response.json() == {"id": ident}
    event = personal.get("/work/events").json()[0]
    assert event == {
        "id": ident,
        "channelId": "work",
        "time": 1000.5,
        "type": {"class": "note", "format": "txt"},
        "value": {"text": "hi ☃"},
        "folderId": "projects",
        "tags": ["a", "b"],
        "description": "seed-era name",
        "clientData": {"app:k": 1},
        "trashed": False,
        "modified": event["modified"],
    }
    assert event["modified"] == pytest.approx(time.time(), abs=5)


def test_record_defaults_time_to_now_and_folder_to_none(personal, channel):
    response = personal.post("/work/events", {}, format="json")

    event = Event.objects.get(ident=response.json()["id"])
    assert event.time == pytest.approx(time.time(), abs=5)
    assert (event.folder, event.is_period, event.duration) == (None, False, None)


def test_a_zero_duration_is_a_mark_and_is_read_back(personal, channel):
    response = personal.post("/work/events", {"time": 10, "duration": 0}, format="json")

    event = Event.objects.get(ident=response.json()["id"])
    assert (event.is_period, event.duration) == (False, 0)
    assert personal.get("/work/events").json()[0]["duration"] == 0


def test_record_a_finished_period_stops_the_runner_that_started_before(personal, channel, owner):
    period(channel, "runner", 100, None)

    response = personal.post("/work/events", {"time": 200, "duration": 50}, format="json")

    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "stoppedId": "runner"}
    runner = Event.objects.get(ident="runner")
    assert (runner.duration, runner.end_time) == (100, 200)
    assert runner.modified == pytest.approx(time.time(), abs=5)
    assert Activity.objects.filter(type="period_stopped", object_id="runner").count() == 1
    assert Activity.objects.filter(type="event_recorded", actor=owner).count() == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"duration": None},
            {"param": "duration", "message": "Recorded events must be completed: use events/start to start one."},
        ),
        ({"time": "12"}, {"param": "time", "message": "A valid number is required."}),
        ({"time": -1}, {"param": "time", "message": "Ensure this value is greater than or equal to 0."}),
        ({"duration": True}, {"param": "duration", "message": "A valid number is required."}),
        ({"tags": "a"}, {"param": "tags", "message": 'Expected a list of items but got type "str".'}),
        ({"tags": [1]}, {"param": "tags.0", "message": "Not a valid string."}),
        (
            {"type": {"class": "Note", "format": "txt"}},
            {"param": "type.class", "message": "Only lowercase letters, digits and dashes."},
        ),
        ({"type": {"class": "note"}}, {"param": "type.format", "message": "This field is required."}),
        ({"clientData": []}, {"param": "clientData", "message": "Expected a JSON object."}),
        ({"folderId": 5}, {"param": "folderId", "message": "Not a valid string."}),
        ({"colour": "red"}, {"param": "colour", "message": "Unknown property."}),
        ({"value": nested(65)}, {"param": "value", "message": "Arrays and objects may nest at most 64 levels."}),
        (
            {"clientData": {"k": nested(64)}},
            {"param": "clientData", "message": "Arrays and objects may nest at most 64 levels."},
        ),
    ],
)
def test_record_refuses_bad_parameters(personal, channel, body, error):
    response = personal.post("/work/events", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [error],
    }
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("raw", "content_type", "body"),
    [
        (b"{not json", "application/json", None),
        (b"[1, 2]", "application/json", {"param": "", "message": "Invalid data. Expected a dictionary, but got list."}),
        (b'"text"', "application/json", {"param": "", "message": "Invalid data. Expected a dictionary, but got str."}),
        (b"null", "application/json", {"param": "", "message": "No data provided"}),
    ],
)
def test_malformed_or_non_object_json_is_400(personal, channel, raw, content_type, body):
    response = personal.generic("POST", "/work/events", raw, content_type=content_type)

    assert response.status_code == 400
    if body is None:
        assert response.json() == {
            "id": "INVALID_REQUEST_STRUCTURE",
            "message": "The body is not valid JSON: unexpected character, expected a string key: line 1 column 2 "
            "(char 1)",
        }
    else:
        assert response.json() == {
            "id": "INVALID_PARAMETERS_FORMAT",
            "message": "The parameters' format is invalid.",
            "data": [body],
        }
    assert not Event.objects.exists()


def test_an_oversize_body_is_413(personal, channel, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = personal.post("/work/events", {"description": "x" * 2000}, format="json")

    assert response.status_code == 413
    assert response.json() == {
        "id": "REQUEST_TOO_LARGE",
        "message": "The request body is larger than 1000 bytes.",
    }
    assert not Event.objects.exists()


def test_an_unsupported_content_type_is_415_request_structure(personal, channel):
    response = personal.generic("POST", "/work/events", b"time=1", content_type="text/plain")

    assert response.status_code == 415
    assert response.json() == {
        "id": "INVALID_REQUEST_STRUCTURE",
        "message": 'Unsupported media type "text/plain" in request.',
    }


def test_odd_unicode_is_stored_as_sent(personal, channel):
    text = "e\u0301 \u202e \U0001f600 \ufeff"

    response = personal.post("/work/events", {"description": text, "tags": [text]}, format="json")

    event = Event.objects.get(ident=response.json()["id"])
    assert (event.description, event.tags) == (text, [text.strip()])


def test_record_into_unknown_folder_is_400(personal, channel):
    response = personal.post("/work/events", {"folderId": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}


def test_record_into_a_folder_in_the_trash_or_a_trashed_channel_is_refused(personal, channel, projects):
    child = FolderFactory(channel=channel, parent=projects, ident="child")
    projects.trashed = True
    projects.save()

    into_folder = personal.post("/work/events", {"folderId": "child"}, format="json")
    channel.trashed = True
    channel.save()
    into_channel = personal.post("/work/events", {}, format="json")

    assert into_folder.status_code == 400
    assert into_folder.json() == {
        "id": "INVALID_OPERATION",
        "message": "The folder is in the trash.",
        "data": {"trashed": "folder"},
    }
    assert into_channel.json() == {
        "id": "INVALID_OPERATION",
        "message": "The channel is in the trash.",
        "data": {"trashed": "channel"},
    }
    assert not Event.objects.exists()
    assert child.pk


def test_start_needs_a_folder(personal, channel):
    response = personal.post("/work/events/start", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"id": "MISSING_FOLDER", "message": "A folder is required to start a period."}


def test_start_runs_and_stops_the_current_runner_at_the_new_start(personal, channel, projects, owner):
    first = personal.post("/work/events/start", {"folderId": "projects", "time": 100}, format="json")

    second = personal.post("/work/events/start", {"folderId": "projects", "time": 160}, format="json")

    assert first.status_code == second.status_code == 201
    assert second.json() == {"id": second.json()["id"], "stoppedId": first.json()["id"]}
    stopped = Event.objects.get(ident=first.json()["id"])
    assert (stopped.duration, stopped.end_time) == (60, 160)
    running = Event.objects.get(ident=second.json()["id"])
    assert (running.is_period, running.duration) == (True, None)
    assert Activity.objects.filter(type="period_started").count() == 2


def test_start_behind_a_later_period_is_invalid(personal, channel, projects):
    period(channel, "later", 500, 10)

    response = personal.post("/work/events/start", {"folderId": "projects", "time": 500}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_OPERATION",
        "message": "A period cannot run while a period exists at or after its start.",
        "data": {"conflictingPeriodId": "later"},
    }
    assert Event.objects.count() == 1


def test_recording_over_other_periods_is_periods_overlap_with_their_ids(personal, channel):
    period(channel, "b", 150, 100)
    period(channel, "a", 50, 60)
    period(channel, "touching", 300, 10)
    running = period(channel, "runner", 260, None)

    response = personal.post("/work/events", {"time": 100, "duration": 170}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "PERIODS_OVERLAP",
        "message": "The period overlaps other periods.",
        "data": {"overlappedIds": ["a", "b", "runner"]},
    }
    assert Event.objects.count() == 4
    running.refresh_from_db()
    assert running.duration is None


def test_touching_periods_do_not_overlap(personal, channel):
    period(channel, "a", 100, 50)

    response = personal.post("/work/events", {"time": 150, "duration": 50}, format="json")

    assert response.status_code == 201


def test_marks_skip_the_period_rules(personal, channel):
    runner = period(channel, "runner", 100, None)

    response = personal.post("/work/events", {"time": 50}, format="json")

    assert response.json() == {"id": response.json()["id"]}
    runner.refresh_from_db()
    assert runner.duration is None


def test_a_non_strict_channel_allows_overlaps_and_several_runners(personal, owner):
    ChannelFactory(user=owner, ident="free", enforce_no_events_overlap=False)
    FolderFactory(channel__user=owner, channel=owner.channels.get(ident="free"), ident="f")

    first = personal.post("/free/events/start", {"folderId": "f", "time": 100}, format="json")
    second = personal.post("/free/events/start", {"folderId": "f", "time": 50}, format="json")
    overlapping = personal.post("/free/events", {"time": 60, "duration": 100}, format="json")
    stop = personal.post("/free/events/stop", {}, format="json")

    assert (first.status_code, second.status_code, overlapping.status_code) == (201, 201, 201)
    assert second.json() == {"id": second.json()["id"]}
    assert Event.objects.filter(duration__isnull=True).count() == 2
    assert stop.status_code == 400
    assert stop.json() == {
        "id": "MISSING_PARAMETER",
        "message": "This channel allows overlapping periods: say which one to stop with 'id'.",
    }


def test_stop_without_id_stops_the_runner(personal, channel):
    period(channel, "runner", 100, None)

    response = personal.post("/work/events/stop", {"time": 400}, format="json")

    assert response.status_code == 200
    assert response.json() == {"stoppedId": "runner"}
    runner = Event.objects.get(ident="runner")
    assert (runner.duration, runner.end_time) == (300, 400)
    assert Activity.objects.get(type="period_stopped").object_id == "runner"


def test_stop_with_nothing_running_answers_null(personal, channel):
    response = personal.post("/work/events/stop", {}, format="json")

    assert response.status_code == 200
    assert response.json() == {"stoppedId": None}


def test_stop_with_id_and_default_time_now(personal, channel):
    period(channel, "runner", time.time() - 100, None)

    response = personal.post("/work/events/stop", {"id": "runner"}, format="json")

    assert response.json() == {"stoppedId": "runner"}
    assert Event.objects.get(ident="runner").duration == pytest.approx(100, abs=5)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"id": "nope"}, {"id": "UNKNOWN_EVENT", "message": "Unknown event 'nope'."}),
        (
            {"id": "done"},
            {
                "id": "INVALID_OPERATION",
                "message": "The event is not a running period.",
                "data": {"reason": "notRunning"},
            },
        ),
        (
            {"id": "runner", "time": 100},
            {
                "id": "INVALID_OPERATION",
                "message": "A period cannot stop at or before its start.",
                "data": {"reason": "stopBeforeStart"},
            },
        ),
        (
            {"id": "runner", "time": 50},
            {
                "id": "INVALID_OPERATION",
                "message": "A period cannot stop at or before its start.",
                "data": {"reason": "stopBeforeStart"},
            },
        ),
    ],
)
def test_stop_errors(personal, channel, body, error):
    period(channel, "done", 10, 5)
    period(channel, "runner", 100, None)

    response = personal.post("/work/events/stop", body, format="json")

    assert response.status_code == 400
    assert response.json() == error
    assert Event.objects.get(ident="runner").duration is None


def test_running_lists_running_periods_newest_first(personal, owner):
    free = ChannelFactory(user=owner, ident="free", enforce_no_events_overlap=False)
    period(free, "old", 100, None)
    period(free, "new", 200, None)
    period(free, "finished", 300, 10)
    period(free, "trashed", 400, None, trashed=True)

    response = personal.get("/free/events/running")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": ident,
            "channelId": "free",
            "time": start,
            "duration": None,
            "type": {"class": "note", "format": "txt"},
            "folderId": None,
            "tags": [],
            "trashed": False,
            "modified": Event.objects.get(ident=ident).modified,
        }
        for ident, start in (("new", 200.0), ("old", 100.0))
    ]


def test_update_changes_fields_and_merges_client_data(personal, channel, projects):
    event = EventFactory(channel=channel, ident="e", client_data={"keep": 1, "drop": 2})

    response = personal.put(
        "/work/events/e",
        {
            "folderId": "projects",
            "description": "new",
            "tags": ["x"],
            "clientData": {"drop": None},
            "value": 5,
            "type": {"class": "a", "format": "b"},
            "attachments": {"x": {}},
            "id": "other",
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {}
    event.refresh_from_db()
    assert (event.folder, event.description, event.tags, event.client_data, event.value) == (
        projects,
        "new",
        ["x"],
        {"keep": 1},
        5,
    )
    assert (event.type_class, event.type_format, event.ident) == ("a", "b", "e")


def test_update_extending_a_period_over_the_next_is_periods_overlap(personal, channel):
    period(channel, "first", 100, 50)
    period(channel, "second", 200, 50)

    response = personal.put("/work/events/first", {"duration": 150}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "PERIODS_OVERLAP",
        "message": "The period overlaps other periods.",
        "data": {"overlappedIds": ["second"]},
    }
    assert Event.objects.get(ident="first").duration == 50


def test_update_to_running_behind_a_later_period_is_invalid(personal, channel):
    period(channel, "first", 100, 50)
    period(channel, "second", 200, 50)

    response = personal.put("/work/events/first", {"duration": None}, format="json")

    assert response.json() == {
        "id": "INVALID_OPERATION",
        "message": "A period cannot run while a period exists at or after its start.",
        "data": {"conflictingPeriodId": "second"},
    }


def test_update_a_mark_into_a_period_after_the_runner_stops_it(personal, channel):
    period(channel, "runner", 100, None)
    EventFactory(channel=channel, ident="mark", time=300)

    response = personal.put("/work/events/mark", {"duration": 20}, format="json")

    assert response.json() == {"stoppedId": "runner"}
    assert Event.objects.get(ident="mark").end_time == 320


def test_restoring_a_trashed_period_is_checked_again(personal, channel):
    period(channel, "old", 100, 50, trashed=True)
    period(channel, "new", 120, 50)

    response = personal.put("/work/events/old", {"trashed": False}, format="json")

    assert response.status_code == 400
    assert response.json()["data"] == {"overlappedIds": ["new"]}
    assert Event.objects.get(ident="old").trashed is True


def test_update_moving_into_a_folder_in_the_trash_or_unknown_is_refused(personal, channel, projects):
    EventFactory(channel=channel, ident="e")
    FolderFactory(channel=channel, ident="bin", trashed=True)

    trashed = personal.put("/work/events/e", {"folderId": "bin"}, format="json")
    unknown = personal.put("/work/events/e", {"folderId": "nope"}, format="json")
    missing = personal.put("/work/events/nope", {"description": "x"}, format="json")

    assert trashed.json() == {
        "id": "INVALID_OPERATION",
        "message": "The target folder is in the trash.",
        "data": {"trashed": "folder"},
    }
    assert unknown.status_code == 400
    assert unknown.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}
    assert missing.status_code == 404
    assert missing.json() == {"id": "UNKNOWN_EVENT", "message": "Unknown event 'nope'."}
    assert Event.objects.get(ident="e").folder is None


def test_delete_trashes_then_deletes_for_good(personal, channel):
    EventFactory(channel=channel, ident="e")

    first = personal.delete("/work/events/e")
    trashed = Event.objects.get(ident="e")
    second = personal.delete("/work/events/e")
    third = personal.delete("/work/events/e")

    assert (first.status_code, first.json()) == (200, {})
    assert trashed.trashed is True
    assert trashed.modified == pytest.approx(time.time(), abs=5)
    assert (second.status_code, second.json()) == (200, {})
    assert not Event.objects.exists()
    assert third.status_code == 404
    assert third.json() == {"id": "UNKNOWN_EVENT", "message": "Unknown event 'e'."}


def test_batch_records_every_event_in_order(personal, channel, projects):
    period(channel, "runner", 10, None)

    response = personal.post(
        "/work/events/batch",
        [
            {"tempRefId": "a", "time": 100, "duration": 50, "folderId": "projects"},
            {"clientId": "b", "time": 150, "duration": 10},
            {"tempRefId": "c", "time": 170},
        ],
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"a", "b", "c"}
    assert body["a"] == {"id": body["a"]["id"], "stoppedId": "runner"}
    assert body["b"] == {"id": body["b"]["id"]}
    assert Event.objects.count() == 4


def test_batch_accepts_an_events_object(personal, channel):
    response = personal.post("/work/events/batch", {"events": [{"tempRefId": "a", "time": 1}]}, format="json")

    assert response.status_code == 200
    assert list(response.json()) == ["a"]


def test_batch_is_all_or_nothing_and_names_the_failing_event(personal, channel):
    period(channel, "existing", 500, 100)

    response = personal.post(
        "/work/events/batch",
        [{"tempRefId": "ok", "time": 100, "duration": 50}, {"tempRefId": "bad", "time": 550, "duration": 10}],
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "id": "PERIODS_OVERLAP",
        "message": "The period overlaps other periods.",
        "data": {"overlappedIds": ["existing"], "tempRefId": "bad", "index": 1},
    }
    assert list(Event.objects.values_list("ident", flat=True)) == ["existing"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([{"time": 1}], {"param": "events.0.tempRefId", "message": "Each event needs a tempRefId (or clientId)."}),
        (
            [{"tempRefId": "a"}, {"tempRefId": "a"}],
            {"param": "events", "message": "Each tempRefId must be unique in the request."},
        ),
        (
            [{"tempRefId": "a", "duration": None}],
            {
                "param": "events.0.duration",
                "message": "Recorded events must be completed: use events/start to start one.",
            },
        ),
        ({"events": "x"}, {"param": "events", "message": 'Expected a list of items but got type "str".'}),
    ],
)
def test_batch_refuses_bad_items(personal, channel, body, error):
    response = personal.post("/work/events/batch", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [error],
    }
    assert not Event.objects.exists()


def test_contribute_on_a_folder_allows_events_there_only(channel, projects, owner, make_token, api):
    FolderFactory(channel=channel, ident="other")
    client = api(make_token(owner, [("work", "projects", "contribute"), ("work", "other", "read")]))

    inside = client.post("/work/events", {"folderId": "projects"}, format="json")
    read_only = client.post("/work/events", {"folderId": "other"}, format="json")
    no_folder = client.post("/work/events", {}, format="json")

    assert inside.status_code == 201
    assert read_only.status_code == 403
    assert no_folder.status_code == 403
    assert no_folder.json() == {
        "id": "FORBIDDEN",
        "message": "The access token does not grant permission for this operation.",
    }


def test_moving_an_event_needs_contribute_on_the_target(channel, projects, owner, make_token, api):
    FolderFactory(channel=channel, ident="other")
    EventFactory(channel=channel, folder=projects, ident="e")
    client = api(make_token(owner, [("work", "projects", "contribute"), ("work", "other", "read")]))

    response = client.put("/work/events/e", {"folderId": "other"}, format="json")

    assert response.status_code == 403
    assert Event.objects.get(ident="e").folder == projects


def test_an_event_outside_the_grants_is_unknown(channel, projects, owner, make_token, api):
    FolderFactory(channel=channel, ident="other")
    EventFactory(channel=channel, folder=projects, ident="e")
    client = api(make_token(owner, [("work", "other", "manage")]))

    response = client.put("/work/events/e", {"description": "x"}, format="json")
    stop = client.post("/work/events/stop", {"id": "e"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"id": "UNKNOWN_EVENT", "message": "Unknown event 'e'."}
    assert stop.status_code == 400
    assert stop.json() == {"id": "UNKNOWN_EVENT", "message": "Unknown event 'e'."}


def test_free_json_may_nest_64_levels(personal, channel):
    response = personal.post(
        "/work/events", {"time": 1, "duration": 0, "value": nested(64), "clientData": {"k": nested(63)}}, format="json"
    )

    assert response.status_code == 201
    event = Event.objects.get()
    assert event.value == nested(64)
    assert event.client_data == {"k": nested(63)}


def test_a_description_longer_than_an_activity_keeps_is_recorded_and_stopped(personal, projects):
    description = "d" * 5000

    started = personal.post("/work/events/start", {"folderId": "projects", "description": description}, format="json")
    stopped = personal.post("/work/events/stop", {}, format="json")

    assert started.status_code == 201
    assert stopped.status_code == 200
    assert stopped.json() == {"stoppedId": started.json()["id"]}
    assert Event.objects.get().description == description
    assert [(a.type, a.object_name) for a in Activity.objects.order_by("pk")] == [
        ("period_started", "d" * 1000),
        ("period_stopped", "d" * 1000),
    ]
