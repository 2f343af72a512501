"""Demo data of channels, used by ``manage.py seed_demo``: a work channel with a folder tree and events."""

from __future__ import annotations

import time

from accounts.models import User
from activities.services import activity_record
from channels.models import Channel, Event, Folder


def seed(users: dict[str, User]) -> list[str]:
    ann = users["ann"]
    channel, created = Channel.objects.get_or_create(user=ann, ident="work", defaults={"name": "Work"})
    if not created:
        return []
    projects = Folder.objects.create(user=ann, channel=channel, ident="projects", name="Projects")
    hub = Folder.objects.create(user=ann, channel=channel, parent=projects, ident="activity-hub", name="Activity Hub")
    Folder.objects.create(user=ann, channel=channel, ident="admin-tasks", name="Admin tasks")
    now = time.time()
    day = 86400.0
    for index in range(10):
        start = now - (10 - index) * day + 9 * 3600
        Event.objects.create(
            user=ann,
            channel=channel,
            folder=hub if index % 2 else projects,
            ident=f"demo-period-{index}",
            time=start,
            duration=2 * 3600.0,
            is_period=True,
            type_class="activity",
            type_format="plain",
            description=f"Worked on milestone {index + 1}",
            modified=start,
        )
        activity_record(
            source="channels",
            type="event_recorded",
            actor=ann,
            subject="{actor} recorded a period in {folder}",
            subject_params={
                "actor": {"type": "user", "id": ann.username, "name": ann.shown_name},
                "folder": {"type": "folder", "id": hub.ident, "name": hub.name},
            },
            object_type="event",
            object_id=f"demo-period-{index}",
            object_name=f"Worked on milestone {index + 1}",
        )
    return ["Pryv channel 'work' of ann: log in at / as ann to see it."]
