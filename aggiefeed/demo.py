"""Demo data of Aggiefeed, used by ``manage.py seed_demo``: a campus source, its approver, a key and a few posts.

Idempotent: the source is created once; a second run changes nothing and prints no new key.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from aggiefeed.dates import format_zulu
from aggiefeed.models import Source
from aggiefeed.services import activity_create, api_key_create, post_approve

DEMO_SOURCE_ID = "0d1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
POSTS = [
    # src id, title, content, groups, labels, goes live
    ("welcome-week", "Welcome Week starts Monday", "Events all week on the Quad.", ["public"], ["~campus-life"], True),
    (
        "library-hours",
        "Library extends its hours",
        "Shields Library opens until 2 am.",
        ["students"],
        ["~academic"],
        True,
    ),
    ("grades-due", "Final grades are due Friday", "Submit through the portal.", ["faculty"], ["~academic"], False),
    (
        "parking",
        "Parking lot 25 closes for repairs",
        "Use lot 30 instead.",
        ["staff", "students"],
        ["~campus-messages"],
        False,
    ),
]


def seed(users: dict[str, User]) -> list[str]:
    """The Campus Communications source with ann as approver, a printed key, two live and two queued posts."""
    if Source.objects.filter(ident=DEMO_SOURCE_ID).exists():
        return []
    approver = users["ann"]
    source = Source.objects.create(
        ident=DEMO_SOURCE_ID,
        name="Campus Communications",
        approvals_needed=1,
        can_send_to=["public", "students", "faculty", "staff"],
    )
    source.approvers.add(approver)
    key, secret = api_key_create(source=source, name="demo")
    now = timezone.now()
    for index, (src_id, title, content, groups, labels, live) in enumerate(POSTS):
        post = activity_create(
            api_key=key,
            activity={
                "icon": "icon-bullhorn",
                "actor": {
                    "id": DEMO_SOURCE_ID,
                    "objectType": "department",
                    "displayName": source.name,
                    "author": {"id": approver.username, "displayName": approver.shown_name},
                },
                "verb": "post",
                "title": title,
                "object": {
                    "ucdSrcId": src_id,
                    "objectType": "notification",
                    "content": content,
                    "ucdEdusModel": {"url": "https://www.ucdavis.edu/", "urlDisplayName": "UC Davis"},
                },
                "to": {"groups": groups, "users": []},
                "published": format_zulu(now - timedelta(hours=len(POSTS) - index)),
                "ucdEdusMeta": {"labels": labels, "authzId": approver.username},
            },
        )
        if live:
            post_approve(user=approver, object_id=post.object_id)
    return [
        f"Aggiefeed source 'Campus Communications' ({DEMO_SOURCE_ID}): Authorization: ApiKey {secret}",
        "  ann approves its posts in /admin/ (approval queue); public stream: /api/v1/activity/public?s=0&l=25",
    ]
