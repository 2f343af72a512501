"""Demo data of the WOPI host, used by ``manage.py seed_demo``: a shared document with comments and a mention."""

from __future__ import annotations

from accounts.models import User
from wopi.models import WopiFile
from wopi.selectors import file_access
from wopi.services import activities_add, file_create, file_share

# Fixed ids: running seed_demo twice finds the same activities and stores nothing twice.
_COMMENT_ID = "5e1d0a52-6f3b-4d0c-9a57-2f6d3c1b9e01"
_REPLY_ID = "5e1d0a52-6f3b-4d0c-9a57-2f6d3c1b9e02"
_MENTION_ID = "5e1d0a52-6f3b-4d0c-9a57-2f6d3c1b9e03"


def seed(users: dict[str, User]) -> list[str]:
    ann, bob = users["ann"], users["bob"]
    document = WopiFile.objects.filter(owner=ann, name="Quarterly report.wopitest").first()
    if document is None:
        document = file_create(owner=ann, name="Quarterly report.wopitest", content=b"Quarterly report, draft 1\n")
        file_share(file=document, user=bob, can_write=True)
    bob_person = {"Name": bob.shown_name, "Id": str(bob.pk), "Provider": "wopi-activity-hub"}
    ann_person = {"Name": ann.shown_name, "Id": str(ann.pk), "Provider": "wopi-activity-hub"}
    activities_add(
        access=file_access(user=bob, file_id=str(document.pk)),
        activities=[
            {
                "Type": "comment",
                "Id": _COMMENT_ID,
                "Timestamp": "2026-11-02T09:15:00.0000000Z",
                "Data": {"CommentText": "Can we add the enrolment figures here?", "ContentAction": "created"},
            },
            {
                "Type": "mention",
                "Id": _MENTION_ID,
                "Timestamp": "2026-11-02T09:16:00.0000000Z",
                "Data": {"ContentAction": "created"},
                "People": [{**ann_person, "Mentioned": True}],
            },
        ],
    )
    activities_add(
        access=file_access(user=ann, file_id=str(document.pk)),
        activities=[
            {
                "Type": "comment",
                "Id": _REPLY_ID,
                "Timestamp": "2026-11-02T10:02:00.0000000Z",
                "Data": {"CommentText": "Done, see page 3.", "IsReply": True, "ContentAction": "created"},
                "People": [{**bob_person, "InThread": True, "RepliedTo": True}],
            }
        ],
    )
    return [
        f"WOPI file '{document.name}' of ann, shared with bob: open it at /wopi/open/{document.pk}, "
        f"or get a token with: manage.py wopi_token ann {document.pk}"
    ]
