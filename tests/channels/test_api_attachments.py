"""Attachments (contract §3.4, §4.3): multipart creation, add, replace, streamed download, delete, limits."""

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from channels.models import Attachment, Event
from tests.factories import AttachmentFactory, EventFactory

pytestmark = pytest.mark.django_db


def upload(name, content, content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type)


def download(response):
    return b"".join(response.streaming_content)


def test_create_an_event_with_files_in_one_multipart_request(personal, channel):
    response = personal.post(
        "/work/events",
        {
            "event": json.dumps({"time": 100, "description": "with files"}),
            "notes": upload("notes.txt", b"hello"),
            "photo": upload("photo.png", b"\x89PNG....", "image/png"),
        },
        format="multipart",
    )

    assert response.status_code == 201
    event = personal.get("/work/events").json()[0]
    assert event["id"] == response.json()["id"]
    assert event["attachments"] == {
        "notes": {"fileName": "notes.txt", "type": "text/plain", "size": 5},
        "photo": {"fileName": "photo.png", "type": "image/png", "size": 8},
    }
    assert event["description"] == "with files"


ONE_EVENT_PART = "A multipart body needs exactly one non-file part, 'event', holding the event's JSON."


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"other": "{}"}, ONE_EVENT_PART),
        ({"event": "{}", "extra": "x"}, ONE_EVENT_PART),
        (
            {"event": "{not json"},
            "The body is not valid JSON: unexpected character, expected a string key: line 1 column 2 (char 1)",
        ),
        ({"file": "just text"}, ONE_EVENT_PART),
    ],
)
def test_a_multipart_body_of_unexpected_shape_is_invalid_structure(personal, channel, parts, message):
    response = personal.post("/work/events", {**parts, "f": upload("a.txt", b"a")}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"id": "INVALID_REQUEST_STRUCTURE", "message": message}
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()


def test_a_multipart_event_is_validated_like_json(personal, channel):
    response = personal.post(
        "/work/events", {"event": json.dumps({"time": "x"}), "f": upload("a.txt", b"a")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "time", "message": "A valid number is required."}],
    }
    assert not Attachment.objects.exists()


def test_add_files_to_an_event_and_replace_by_key_or_name(personal, channel):
    event = EventFactory(channel=channel, ident="e", modified=1)
    old = AttachmentFactory(event=event, key="doc", file_name="doc.txt")
    old_path = old.file.name

    response = personal.post(
        "/work/events/e",
        {"doc": upload("new.txt", b"new content"), "more": upload("more.txt", b"m")},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json() == {}
    assert sorted(Attachment.objects.values_list("key", "file_name", "size")) == [
        ("doc", "new.txt", 11),
        ("more", "more.txt", 1),
    ]
    event.refresh_from_db()
    assert event.modified > 1
    assert old_path != Attachment.objects.get(key="doc").file.name


def test_adding_attachments_needs_files_only(personal, channel):
    EventFactory(channel=channel, ident="e")

    json_body = personal.post("/work/events/e", {"a": 1}, format="json")
    mixed = personal.post("/work/events/e", {"x": "text", "f": upload("a.txt", b"a")}, format="multipart")
    empty = personal.post("/work/events/e", {}, format="multipart")

    assert json_body.status_code == mixed.status_code == 400
    assert json_body.json() == {
        "id": "INVALID_REQUEST_STRUCTURE",
        "message": "Send files only, as multipart/form-data.",
    }
    assert mixed.json() == json_body.json()
    assert empty.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "No file was sent.",
        "data": [{"param": "file", "message": "No file was sent."}],
    }


def test_download_streams_the_file_with_safe_headers(personal, channel):
    event = EventFactory(channel=channel, ident="e")
    AttachmentFactory(
        event=event,
        key="page",
        file_name="évil page.html",
        content_type="text/html",
        size=5,
        file__data=b"<b>x",
    )

    response = personal.get("/work/events/e/évil page.html")

    assert response.status_code == 200
    assert download(response) == b"<b>x"
    assert response["Content-Type"] == "text/html"
    assert response["Content-Length"] == "5"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%A9vil%20page.html"
    assert "Server-Time" in response


def test_images_and_pdf_may_show_inline(personal, channel):
    event = EventFactory(channel=channel, ident="e")
    AttachmentFactory(event=event, key="p", file_name="p.png", content_type="image/png", size=5)

    response = personal.get("/work/events/e/p.png")

    assert response["Content-Disposition"] == 'inline; filename="p.png"'


def test_a_bad_content_type_from_the_client_is_stored_as_octet_stream(personal, channel):
    EventFactory(channel=channel, ident="e")

    personal.post("/work/events/e", {"f": upload("a.bin", b"a", "not a type")}, format="multipart")

    assert Attachment.objects.get().content_type == "application/octet-stream"


def test_unknown_attachment_event_or_channel_in_the_path_is_404(personal, channel):
    EventFactory(channel=channel, ident="e")

    no_file = personal.get("/work/events/e/nope.txt")
    no_event = personal.get("/work/events/nope/a.txt")
    no_channel = personal.get("/nope/events/e/a.txt")

    assert no_file.status_code == no_event.status_code == no_channel.status_code == 404
    assert no_file.json() == {"id": "UNKNOWN_ATTACHMENT", "message": "Unknown attachment 'nope.txt'."}
    assert no_event.json() == {"id": "UNKNOWN_EVENT", "message": "Unknown event 'nope'."}
    assert no_channel.json() == {"id": "UNKNOWN_CHANNEL", "message": "Unknown channel 'nope'."}


def test_delete_an_attachment_removes_the_file(personal, channel, django_capture_on_commit_callbacks):
    event = EventFactory(channel=channel, ident="e")
    attachment = AttachmentFactory(event=event, key="a", file_name="a.txt")
    stored = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = personal.delete("/work/events/e/a.txt")

    assert response.status_code == 200
    assert response.json() == {}
    assert not Attachment.objects.exists()
    assert not default_storage.exists(stored)


def test_deleting_an_event_for_good_leaves_no_file_behind(personal, channel, django_capture_on_commit_callbacks):
    event = EventFactory(channel=channel, ident="e", trashed=True)
    stored = AttachmentFactory(event=event).file.name

    with django_capture_on_commit_callbacks(execute=True):
        personal.delete("/work/events/e")

    assert not Event.objects.exists()
    assert not default_storage.exists(stored)


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(personal, channel, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    response = personal.post("/work/events", {"event": "{}", "big": upload("big.txt", b"x" * 11)}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {
        "id": "REQUEST_TOO_LARGE",
        "message": "The file 'big.txt' is larger than 10 bytes.",
    }
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(personal, channel, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    EventFactory(channel=channel, ident="e")

    response = personal.post("/work/events/e", {"big": upload("big.txt", b"x" * 500)}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"id": "REQUEST_TOO_LARGE", "message": "The request body is larger than 10 bytes."}
    assert not Attachment.objects.exists()


def test_two_files_with_the_same_name_are_refused(personal, channel):
    EventFactory(channel=channel, ident="e")

    response = personal.post(
        "/work/events/e", {"a": upload("same.txt", b"1"), "b": upload("same.txt", b"2")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "Two files of the request are named 'same.txt'.",
        "data": [{"param": "a", "message": "Two files of the request are named 'same.txt'."}],
    }
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("key", ["k" * 256, "tab\tkey"])
def test_a_file_key_must_be_short_and_printable(personal, channel, key):
    EventFactory(channel=channel, ident="e")

    response = personal.post("/work/events/e", {key: upload("a.txt", b"a")}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "A file's key must be 1 to 255 printable characters.",
        "data": [{"param": "file", "message": "A file's key must be 1 to 255 printable characters."}],
    }
    assert not Attachment.objects.exists()
