import hashlib

import pytest
from django.core import mail

from activities.models import Activity
from aggiefeed.models import ModerationRecord, Post
from tests.aggiefeed.conftest import SOURCE_IDENT, make_activity
from tests.factories import AggiefeedApiKeyFactory, AggiefeedSourceFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

DERIVED_ID = hashlib.sha256(f"{SOURCE_IDENT}content-1".encode()).hexdigest()


def stored(object_id=DERIVED_ID, **changes):
    """The activity as the API returns it after a POST of ``make_activity()``."""
    activity = make_activity()
    activity["object"]["id"] = object_id
    activity["published"] = changes.pop("published", "2026-01-02T03:04:05.000Z")
    activity["priority"] = 0
    activity.update(changes)
    return activity


def test_post_puts_the_activity_in_the_approval_queue(key_client):
    body = {"activity": make_activity(published="2026-01-02T03:04:05Z")}

    response = key_client.post("/api/v1/activity", body, format="json")

    assert response.status_code == 201
    assert response.json() == {"activity": stored(), "status": "a"}
    assert response["Location"] == f"/api/v1/activity/{DERIVED_ID}?status=a"
    post = Post.objects.get()
    assert (post.status, post.object_id, post.author_ref, post.title) == ("a", DERIVED_ID, "user1", "Test Notification")
    assert not Activity.objects.exists()
    record = ModerationRecord.objects.get()
    assert (record.action, record.api_key.source.ident, record.user) == ("submitted", SOURCE_IDENT, None)


def test_post_keeps_a_client_object_id_and_fills_published_with_now(key_client):
    activity = make_activity()
    activity["object"]["id"] = "1234-5678-9012"

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 201
    returned = response.json()["activity"]
    assert returned["object"]["id"] == "1234-5678-9012"
    assert returned["published"].endswith("Z")
    assert len(returned["published"]) == len("2026-01-02T03:04:05.000Z")


def test_post_drops_server_fields_and_keeps_unknown_fields(key_client):
    activity = make_activity(_id="x", id="y", score=3, priority=0.0, generator={"id": "trumba"})
    activity["object"].update({"hash": "h", "masterId": "m", "location": {"name": "Quad"}})
    activity["ucdEdusMeta"]["bookmarkerIds"] = ["a"]
    activity["actor"]["image"] = {"color": "#00aaFF"}

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    returned = response.json()["activity"]
    assert response.status_code == 201
    assert {"_id", "id", "score"}.isdisjoint(returned)
    assert returned["object"]["location"] == {"name": "Quad"}
    assert "hash" not in returned["object"]
    assert "masterId" not in returned["object"]
    assert "bookmarkerIds" not in returned["ucdEdusMeta"]
    assert returned["generator"] == {"id": "trumba"}
    assert returned["actor"]["image"] == {"color": "#00aaFF"}
    assert returned["priority"] == 0.0


def test_a_legacy_public_entry_is_the_public_group_and_needs_the_source_to_send_there(key_client):
    activity = make_activity(to=[{"id": "public", "g": False, "i": False}, {"id": "kname9", "g": False, "i": True}])
    activity["to"].append({"id": "students", "g": True, "i": False})

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 403  # public is not in the source's can_send_to
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "forbidden",
            "message": "Source 'Registrar' may not send to 'public'.",
            "details": [{"field": "activity.to.groups", "problem": "Not allowed for this source: public."}],
        }
    }
    assert not Post.objects.exists()


def test_post_turns_legacy_entries_into_groups_and_users(key_client, source):
    source.can_send_to = ["public", "students", "faculty", "staff"]
    source.save()
    activity = make_activity(
        to=[
            {"id": "public", "g": False, "i": False},
            {"id": "kname9", "g": False, "i": True},
            {"id": "staff", "g": True, "i": False},
        ]
    )

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 201
    assert response.json()["activity"]["to"] == {"groups": ["public", "staff"], "users": ["kname9"]}
    assert Post.objects.get().is_public


def test_post_with_an_existing_object_id_is_a_duplicate(key_client):
    key_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    response = key_client.post("/api/v1/activity", {"activity": make_activity(title="Again")}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "status": 409,
            "code": "duplicate",
            "message": f"Activity {DERIVED_ID!r} already exists; update it with PUT.",
            "details": [],
        }
    }
    assert Post.objects.get().title == "Test Notification"


def test_post_for_another_source_id_is_forbidden(key_client):
    response = key_client.post("/api/v1/activity", {"activity": make_activity("someone-else")}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "forbidden",
            "message": "actor.id must be the id of the key's source.",
            "details": [{"field": "activity.actor.id", "problem": "Not the source of this API key."}],
        }
    }
    assert not Post.objects.exists()


def test_post_to_a_group_the_source_may_not_address_is_forbidden(key_client):
    response = key_client.post(
        "/api/v1/activity", {"activity": make_activity(to={"groups": ["public"]})}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "forbidden",
            "message": "Source 'Registrar' may not send to 'public'.",
            "details": [{"field": "activity.to.groups", "problem": "Not allowed for this source: public."}],
        }
    }
    assert not Post.objects.exists()


def test_post_of_a_source_needing_no_approval_goes_live_into_the_store(key_client, source):
    source.approvals_needed = 0
    source.save()
    student = UserFactory(username="stu")
    student.groups.add(GroupFactory(name="students"))
    author = UserFactory(username="user1")

    response = key_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "l"
    assert response["Location"].endswith("?status=l")
    activity = Activity.objects.get()
    assert (activity.source, activity.type, activity.object_id, activity.actor) == (
        "aggiefeed",
        "post",
        DERIVED_ID,
        author,
    )
    assert set(activity.entries.values_list("user__username", flat=True)) == {"stu", "user1"}


def test_post_notifies_approvers_by_mail_when_the_source_asks(
    key_client, source, approver, django_capture_on_commit_callbacks
):
    source.notify_approvers = True
    source.save()
    approver.email = "approver1@example.edu"
    approver.save()

    with django_capture_on_commit_callbacks(execute=True):
        key_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["approver1@example.edu"]
    assert "Test Notification" in mail.outbox[0].subject


def test_post_without_a_key_is_unauthenticated(anon_client):
    response = anon_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "ApiKey"
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "unauthenticated",
            "message": "Authentication credentials were not provided.",
            "details": [],
        }
    }


@pytest.mark.parametrize(
    "header", ["ApiKey nope", "ApiKey ", "Bearer registrar-key-" + "r" * 24, "ApiKey " + "x" * 300]
)
def test_post_with_an_unknown_key_or_another_scheme_is_unauthenticated(anon_client, api_key, header):
    anon_client.credentials(HTTP_AUTHORIZATION=header)

    response = anon_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert not Post.objects.exists()


def test_a_revoked_key_is_unauthenticated(key_client, api_key):
    api_key.is_active = False
    api_key.save()

    response = key_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert response.status_code == 401
    assert response.json() == {
        "error": {"status": 401, "code": "unauthenticated", "message": "The API key is unknown.", "details": []}
    }


def test_another_sources_key_cannot_post_for_this_source(anon_client, source):
    other = AggiefeedApiKeyFactory(source=AggiefeedSourceFactory(), secret="other-key-" + "o" * 24)
    anon_client.credentials(HTTP_AUTHORIZATION="ApiKey other-key-" + "o" * 24)

    response = anon_client.post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert other.source != source
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Post.objects.exists()


def test_a_moderator_session_cannot_post(session_client, approver, source):
    response = session_client(approver).post("/api/v1/activity", {"activity": make_activity()}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "forbidden",
            "message": "This call takes a source's API key (Authorization: ApiKey <key>).",
            "details": [],
        }
    }


def test_the_location_of_an_odd_object_id_is_percent_encoded_and_leads_back_to_it(key_client):
    activity = make_activity()
    activity["object"]["id"] = "line\nbreak c?d#caf\u00e9"

    created = key_client.post("/api/v1/activity", {"activity": activity}, format="json")
    updated = key_client.put(created["Location"], {"activity": {**activity, "title": "Moved on"}}, format="json")

    assert created.status_code == 201
    assert created["Location"] == "/api/v1/activity/line%0Abreak%20c%3Fd%23caf%C3%A9?status=a"
    assert updated.status_code == 200
    assert Post.objects.get().title == "Moved on"
