"""The list reads build events from one hand-written query: the same output as from the model instances."""

import pytest

from channels.api.serializers import EventOutput
from channels.models import Event
from tests.factories import AttachmentFactory, EventFactory, FolderFactory

pytestmark = pytest.mark.django_db


def test_listed_events_are_the_serializer_output_of_the_stored_events(personal, channel):
    parent = FolderFactory(channel=channel, ident="top", name="Top")
    child = FolderFactory(channel=channel, parent=parent, ident="child", name="Child")
    EventFactory(channel=channel, folder=None, time=1000.5, type_class="", type_format="")
    EventFactory(
        channel=channel,
        folder=child,
        time=1001.25,
        value={"nested": [1, 2.5, None, {"ü": "ø"}], "flag": False},
        tags=["a", "b\u2028c"],
        description="  spaced  ",
        client_data={"k": {"v": [1]}},
    )
    EventFactory(channel=channel, folder=parent, time=1002, is_period=True, duration=None, value=0)
    done = EventFactory(channel=channel, folder=parent, time=1003, is_period=True, duration=4.5, end_time=1007.5)
    EventFactory(channel=channel, folder=child, time=1004, duration=0, value="", trashed=True)
    for key in ("zeta", "alpha", "mid"):
        AttachmentFactory(event=done, key=key, file_name=f"{key}.bin", content_type="application/x-y", size=2**40)

    response = personal.get("/work/events?fromTime=0&toTime=5000&state=all")

    stored = Event.objects.filter(channel=channel).order_by("-time", "-ident")
    assert response.status_code == 200
    assert response.json() == EventOutput(stored, many=True, context={"channel_id": "work"}).data
    listed = {event["id"]: event for event in response.json()}
    assert list(listed[done.ident]["attachments"]) == ["alpha", "mid", "zeta"]


def test_the_running_list_matches_the_serializer_too(personal, channel):
    folder = FolderFactory(channel=channel, ident="f", name="F")
    running = EventFactory(channel=channel, folder=folder, time=50, is_period=True, duration=None)
    AttachmentFactory(event=running, key="k")
    EventFactory(channel=channel, folder=folder, time=10, is_period=True, duration=5, end_time=15)

    response = personal.get("/work/events/running")

    expected = EventOutput([running], many=True, context={"channel_id": "work"}).data
    assert response.status_code == 200
    assert response.json() == expected
