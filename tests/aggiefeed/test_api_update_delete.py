"""PUT and DELETE /api/v1/activity/{id}?status= (contract §3, §7, and the seed's URL examples)."""

import pytest

from activities.models import Activity
from aggiefeed.models import Approval, ModerationRecord, Post
from aggiefeed.services import post_approve
from tests.aggiefeed.conftest import make_activity
from tests.factories import AggiefeedApiKeyFactory, AggiefeedSourceFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED_ID = "1234-5678-9012"


def seed_activity(**changes):
    activity = make_activity(**changes)
    activity["object"]["id"] = SEED_ID
    return activity


@pytest.fixture
def seeded(post_created):
    return post_created(seed_activity(published="2013-07-01T17:00:00.000Z"))


def test_seed_example_updates_the_queued_activity_of_user1(key_client, seeded):
    response = key_client.put(
        f"/api/v1/activity/{SEED_ID}?userId=user1&status=a", {"activity": seed_activity(title="Changed")}, format="json"
    )

    expected = seed_activity(title="Changed", published="2013-07-01T17:00:00.000Z", priority=0)
    assert response.status_code == 200
    assert response.json() == {"activity": expected}
    post = Post.objects.get()
    assert (post.title, post.status) == ("Changed", "a")
    assert ModerationRecord.objects.filter(action="updated").count() == 1


def test_seed_example_with_status_l_misses_an_activity_still_in_approval(key_client, seeded):
    response = key_client.put(
        f"/api/v1/activity/{SEED_ID}?userId=user1&status=l", {"activity": seed_activity(title="Changed")}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": f"No activity {SEED_ID!r} in queue 'l'.",
            "details": [],
        }
    }
    assert Post.objects.get().title == "Test Notification"


def test_seed_example_with_status_l_updates_a_live_activity_and_its_stream_entry(key_client, seeded, approver):
    post_approve(user=approver, object_id=SEED_ID)

    response = key_client.put(
        f"/api/v1/activity/{SEED_ID}?userId=user1&status=l", {"activity": seed_activity(title="Changed")}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["activity"]["title"] == "Changed"
    assert list(Activity.objects.values_list("object_name", flat=True)) == ["Changed"]


def test_put_without_user_id_matches_on_id_and_status(key_client, seeded):
    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity()}, format="json")

    assert response.status_code == 200


def test_put_with_another_user_id_is_not_found(key_client, seeded):
    response = key_client.put(
        f"/api/v1/activity/{SEED_ID}?userId=user2&status=a", {"activity": seed_activity()}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("query", ["", "?status=x", "?status=A", "?status=al"])
def test_put_needs_status_a_or_l(key_client, seeded, query):
    response = key_client.put(f"/api/v1/activity/{SEED_ID}{query}", {"activity": seed_activity()}, format="json")

    assert response.status_code == 400
    problem = "This field is required." if not query else f'"{query.split("=")[1]}" is not a valid choice.'
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "bad_parameter",
            "message": "A query parameter is missing or invalid.",
            "details": [{"field": "status", "problem": problem}],
        }
    }


def test_put_never_creates(key_client):
    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity()}, format="json")

    assert response.status_code == 404
    assert not Post.objects.exists()


def test_put_body_is_validated_like_post(key_client, seeded):
    response = key_client.put(
        f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity(verb="x")}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": "activity.verb", "problem": '"x" is not a valid choice.'}]


def test_put_cannot_move_the_object_id(key_client, seeded):
    activity = seed_activity()
    activity["object"]["id"] = "other-id"

    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": activity}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "validation_error",
            "message": "The activity is invalid.",
            "details": [{"field": "activity.object.id", "problem": "Must equal the id in the path."}],
        }
    }


def test_put_without_object_id_must_derive_the_path_id(key_client, post_created):
    object_id = post_created()
    activity = make_activity()
    moved = make_activity()
    moved["object"]["ucdSrcId"] = "content-2"

    ok = key_client.put(f"/api/v1/activity/{object_id}?status=a", {"activity": activity}, format="json")
    refused = key_client.put(f"/api/v1/activity/{object_id}?status=a", {"activity": moved}, format="json")

    assert ok.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [
        {"field": "activity.object.ucdSrcId", "problem": "actor.id + ucdSrcId must derive the id in the path."}
    ]


def test_put_cannot_change_the_author(key_client, seeded):
    activity = seed_activity()
    activity["actor"]["author"]["id"] = "user2"
    activity["ucdEdusMeta"]["authzId"] = "user2"

    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": activity}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "activity.actor.author.id", "problem": "Must stay the activity's author."}
    ]


def test_put_keeps_published_when_the_body_omits_it_and_drops_queued_approvals(key_client, seeded, source):
    source.approvals_needed = 2
    source.save()
    post_approve(user=source.approvers.get(), object_id=SEED_ID)

    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity()}, format="json")

    assert response.json()["activity"]["published"] == "2013-07-01T17:00:00.000Z"
    assert not Approval.objects.exists()


def test_another_sources_key_cannot_see_the_activity(anon_client, seeded):
    AggiefeedApiKeyFactory(source=AggiefeedSourceFactory(), secret="other-key-" + "o" * 24)
    anon_client.credentials(HTTP_AUTHORIZATION="ApiKey other-key-" + "o" * 24)

    put = anon_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity()}, format="json")
    delete = anon_client.delete(f"/api/v1/activity/{SEED_ID}?status=a")

    assert put.status_code == 404
    assert delete.status_code == 404
    assert (
        put.json()
        == delete.json()
        == {
            "error": {
                "status": 404,
                "code": "not_found",
                "message": f"No activity {SEED_ID!r} in queue 'a'.",
                "details": [],
            }
        }
    )
    assert Post.objects.get().title == "Test Notification"


def test_a_staff_key_may_update_any_source_but_not_move_it(anon_client, seeded, source):
    AggiefeedApiKeyFactory(source=AggiefeedSourceFactory(), staff_scope=True, secret="staff-key-" + "s" * 24)
    anon_client.credentials(HTTP_AUTHORIZATION="ApiKey staff-key-" + "s" * 24)
    moved = seed_activity()
    moved["actor"]["id"] = "another-source"

    ok = anon_client.put(
        f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity(title="By staff")}, format="json"
    )
    refused = anon_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": moved}, format="json")

    assert ok.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [
        {"field": "activity.actor.id", "problem": "Must stay the activity's source."}
    ]


def test_put_for_another_actor_id_is_forbidden(key_client, seeded):
    activity = seed_activity()
    activity["actor"]["id"] = "another-source"

    response = key_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": activity}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_put_without_a_key_is_unauthenticated(anon_client, seeded):
    response = anon_client.put(f"/api/v1/activity/{SEED_ID}?status=a", {"activity": seed_activity()}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_delete_withdraws_a_queued_activity_and_keeps_an_audit_record(key_client, seeded):
    response = key_client.delete(f"/api/v1/activity/{SEED_ID}?userId=user1&status=a")

    assert response.status_code == 204
    assert response.content == b""
    assert not Post.objects.exists()
    record = ModerationRecord.objects.get(action="deleted")
    assert (record.object_id, record.title, record.post) == (SEED_ID, "Test Notification", None)


def test_delete_of_a_live_activity_takes_it_out_of_every_stream(key_client, seeded, approver):
    UserFactory(username="user1")
    post_approve(user=approver, object_id=SEED_ID)
    assert Activity.objects.count() == 1

    wrong_queue = key_client.delete(f"/api/v1/activity/{SEED_ID}?status=a")
    response = key_client.delete(f"/api/v1/activity/{SEED_ID}?status=l")

    assert wrong_queue.status_code == 404
    assert response.status_code == 204
    assert not Activity.objects.exists()
    assert not Post.objects.exists()


def test_delete_needs_a_status(key_client, seeded):
    response = key_client.delete(f"/api/v1/activity/{SEED_ID}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_parameter"
    assert Post.objects.exists()


def test_unsupported_methods_are_405(key_client, seeded):
    response = key_client.patch(f"/api/v1/activity/{SEED_ID}?status=a", {}, format="json")

    assert response.status_code == 405
    assert response.json() == {
        "error": {"status": 405, "code": "method_not_allowed", "message": 'Method "PATCH" not allowed.', "details": []}
    }


def test_a_nul_in_the_path_id_is_an_unknown_activity_on_every_database(key_client, seeded, session_client, approver):
    expected = {
        "error": {"status": 404, "code": "not_found", "message": "No activity 'a\\x00b' in queue 'a'.", "details": []}
    }
    moderator = session_client(approver)

    responses = [
        key_client.put("/api/v1/activity/a%00b?status=a", {"activity": seed_activity()}, format="json"),
        key_client.delete("/api/v1/activity/a%00b?status=a"),
        moderator.post("/api/v1/activity/a%00b/approve"),
        moderator.post("/api/v1/activity/a%00b/reject"),
    ]
    unpublish = moderator.post("/api/v1/activity/a%00b/unpublish")

    assert [(r.status_code, r.json()) for r in responses] == [(404, expected)] * 4
    assert (unpublish.status_code, unpublish.json()["error"]["message"]) == (404, "No activity 'a\\x00b' in queue 'l'.")
    assert Post.objects.get().title == "Test Notification"
