"""What the owner's activity stream says about channel changes, through the registered renderers."""

import pytest

from activities.models import StreamEntry
from activities.registry import ActivityView, source_get, type_get
from tests.factories import FolderFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(activity, viewer):
    activity_type = type_get(activity.source, activity.type)
    view = ActivityView(
        actor_id=activity.actor_id,
        actor_name=activity.actor_name,
        template=activity.subject,
        params=activity.subject_params,
        viewer_id=viewer.pk,
    )
    return activity_type.subject_renderer(view).text


def test_the_channels_source_is_registered():
    source = source_get("channels")

    assert (source.name, source.icon) == ("Time tracking", "icon-clock")
    assert type_get("channels", "period_started").label == "Period started"


def test_starting_a_period_reads_you_started_a_period_in_the_folder(personal, channel, owner):
    FolderFactory(channel=channel, ident="projects", name="Projects")

    personal.post("/work/events/start", {"folderId": "projects", "time": 100}, format="json")
    personal.post("/work/events/stop", {"time": 200}, format="json")
    personal.post("/work/events", {"time": 300}, format="json")

    entries = StreamEntry.objects.filter(user=owner, source="channels").select_related("activity")
    texts = [render(entry.activity, owner) for entry in entries.order_by("activity_id")]
    assert texts == [
        "You started a period in Projects",
        "You stopped a period in Projects",
        "You recorded an event in Work",
    ]
    other = UserFactory()
    assert render(entries.first().activity, other) == f"{owner.shown_name} started a period in Projects"
    assert not StreamEntry.objects.filter(user=other).exists()
