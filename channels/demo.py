"""Demo data of channels, used by ``manage.py seed_demo``: ann's work channel with folders and periods.

Everything goes through the services, so the demo obeys the period rules and fills ann's activity stream
like real use would. Running it twice changes nothing.
"""

from __future__ import annotations

import time

from accounts.models import User
from channels.models import Channel
from channels.permissions import Access
from channels.services import EventInput, channel_create, event_create, event_start, folder_create


def seed(users: dict[str, User]) -> list[str]:
    ann = users["ann"]
    if Channel.objects.filter(user=ann, ident="work").exists():
        return []
    channel_create(user=ann, name="Work", ident="work")
    access = Access.owner(ann)
    folder_create(access=access, channel_id="work", name="Projects", ident="projects")
    folder_create(access=access, channel_id="work", name="Activity Hub", ident="activity-hub", parent_id="projects")
    folder_create(access=access, channel_id="work", name="Admin tasks", ident="admin-tasks")
    now = time.time()
    day = 86400.0
    for index in range(10):
        event_create(
            access=access,
            channel_id="work",
            data=EventInput(
                time=now - (10 - index) * day + 9 * 3600,
                duration=2 * 3600.0,
                folder_id="activity-hub" if index % 2 else "projects",
                type_class="activity",
                type_format="plain",
                description=f"Worked on milestone {index + 1}",
            ),
        )
    event_create(
        access=access,
        channel_id="work",
        data=EventInput(
            time=now - 3 * 3600,
            folder_id="admin-tasks",
            type_class="note",
            type_format="txt",
            description="Filed the travel expenses",
        ),
    )
    event_start(
        access=access,
        channel_id="work",
        data=EventInput(time=now - 1800, folder_id="activity-hub", description="Reviewing pull requests"),
    )
    return ["Pryv channel 'work' of ann (folders, periods, one running): log in at / as ann to see it."]
