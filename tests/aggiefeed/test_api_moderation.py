"""Approve, reject, unpublish and the approval queue through the moderator's session (contract §8)."""

import pytest

from activities.models import Activity
from activities.selectors import stream_entries
from aggiefeed.models import Approval, ModerationRecord, Post
from tests.aggiefeed.conftest import make_activity
from tests.factories import AggiefeedSourceFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(post_created):
    return post_created(make_activity(to={"groups": ["students"], "users": ["kim"]}))


def test_an_approver_approves_and_the_post_reaches_its_audience(session_client, approver, queued):
    student = UserFactory(username="stu")
    student.groups.add(GroupFactory(name="students"))
    kim = UserFactory(username="kim")
    UserFactory(username="outsider")

    response = session_client(approver).post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["approvals"], body["activity"]["object"]["id"]) == ("l", 1, queued)
    activity = Activity.objects.get()
    assert (activity.source, activity.type, activity.object_id, activity.object_name) == (
        "aggiefeed",
        "post",
        queued,
        "Test Notification",
    )
    assert (activity.message, activity.link, activity.icon) == (
        "This is a test notification",
        "http://ucdavis.edu",
        "icon-comment-alt",
    )
    assert activity.payload == body["activity"]
    assert set(activity.entries.values_list("user__username", flat=True)) == {"stu", "kim"}
    assert stream_entries(user_id=kim.pk, source="aggiefeed").count() == 1
    assert list(ModerationRecord.objects.order_by("id").values_list("action", "user__username")) == [
        ("submitted", None),
        ("approved", "approver1"),
        ("published", "approver1"),
    ]


def test_a_post_needing_two_approvals_goes_live_on_the_second_distinct_approver(
    session_client, approver, source, queued
):
    second = UserFactory(username="approver2", is_staff=True)
    source.approvers.add(second)
    source.approvals_needed = 2
    source.save()

    first = session_client(approver).post(f"/api/v1/activity/{queued}/approve")
    again = session_client(approver).post(f"/api/v1/activity/{queued}/approve")
    last = session_client(second).post(f"/api/v1/activity/{queued}/approve")

    assert (first.json()["status"], first.json()["approvals"]) == ("a", 1)
    assert (again.json()["status"], again.json()["approvals"]) == ("a", 1)
    assert (last.json()["status"], last.json()["approvals"]) == ("l", 2)
    assert Activity.objects.count() == 1
    assert ModerationRecord.objects.filter(action="approved").count() == 2


def test_approving_what_is_not_queued_is_not_found(session_client, approver, queued):
    session_client(approver).post(f"/api/v1/activity/{queued}/approve")

    response = session_client(approver).post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": f"No activity {queued!r} in queue 'a'.", "details": []}
    }


def test_a_non_approver_cannot_approve(session_client, queued):
    stranger = UserFactory(username="stranger", is_staff=True)

    response = session_client(stranger).post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "forbidden",
            "message": "Only a source's approvers moderate its posts.",
            "details": [],
        }
    }
    assert Post.objects.get().status == "a"
    assert not Approval.objects.exists()


def test_an_approver_of_another_source_does_not_see_the_post(session_client, queued):
    other = UserFactory(username="other-approver", is_staff=True)
    AggiefeedSourceFactory(approvers=[other])

    response = session_client(other).post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 404
    assert Post.objects.get().status == "a"


def test_a_superuser_moderates_every_source(session_client, queued):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)

    response = session_client(boss).post(f"/api/v1/activity/{queued}/approve")

    assert response.json()["status"] == "l"


def test_a_key_never_approves(key_client, queued):
    response = key_client.post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Moderation is a person's act: sign in to the administration; an API key cannot moderate."
    )
    assert Post.objects.get().status == "a"


def test_moderation_without_a_session_is_unauthenticated(anon_client, queued):
    response = anon_client.post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "unauthenticated",
            "message": "Authentication credentials were not provided.",
            "details": [],
        }
    }


def test_moderation_needs_the_csrf_token(session_client, approver, queued):
    client = session_client(approver)
    del client.defaults["HTTP_X_CSRFTOKEN"]

    response = client.post(f"/api/v1/activity/{queued}/approve")

    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("CSRF Failed")
    assert Post.objects.get().status == "a"


def test_reject_removes_the_post_and_keeps_the_reason(session_client, approver, queued):
    response = session_client(approver).post(
        f"/api/v1/activity/{queued}/reject", {"reason": "Wrong audience"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"objectId": queued, "status": "rejected", "reason": "Wrong audience"}
    assert not Post.objects.exists()
    record = ModerationRecord.objects.get(action="rejected")
    assert (record.user, record.reason, record.object_id, record.title) == (
        approver,
        "Wrong audience",
        queued,
        "Test Notification",
    )


def test_reject_without_a_body_has_an_empty_reason(session_client, approver, queued):
    response = session_client(approver).post(f"/api/v1/activity/{queued}/reject")

    assert response.json() == {"objectId": queued, "status": "rejected", "reason": ""}


def test_reject_with_a_bad_reason_is_400_and_keeps_the_post(session_client, approver, queued):
    response = session_client(approver).post(f"/api/v1/activity/{queued}/reject", {"reason": 5}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "validation_error",
            "message": "The request body is invalid.",
            "details": [{"field": "reason", "problem": "Must be a string."}],
        }
    }
    assert Post.objects.get().status == "a"


def test_unpublish_takes_the_post_out_of_every_stream_back_to_the_queue(session_client, approver, queued):
    kim = UserFactory(username="kim")
    client = session_client(approver)
    client.post(f"/api/v1/activity/{queued}/approve")

    response = client.post(f"/api/v1/activity/{queued}/unpublish")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["approvals"]) == ("a", 0)
    assert not Activity.objects.exists()
    assert stream_entries(user_id=kim.pk).count() == 0
    assert Post.objects.get().status == "a"
    assert not Approval.objects.exists()


def test_unpublishing_a_queued_post_is_not_found(session_client, approver, queued):
    response = session_client(approver).post(f"/api/v1/activity/{queued}/unpublish")

    assert response.status_code == 404


def test_the_queue_lists_only_the_callers_sources(session_client, approver, queued, django_assert_max_num_queries):
    other = UserFactory(username="other-approver", is_staff=True)
    AggiefeedSourceFactory(approvers=[other])
    client = session_client(approver)

    with django_assert_max_num_queries(4):
        mine = client.get("/api/v1/activity?status=a&s=0&l=10")
    theirs = session_client(other).get("/api/v1/activity?status=a&s=0&l=10")

    assert [item["object"]["id"] for item in mine.json()] == [queued]
    assert theirs.json() == []


def test_the_queue_is_forbidden_to_keys_and_to_non_approvers(session_client, key_client, queued):
    stranger = UserFactory(username="stranger", is_staff=True)

    by_key = key_client.get("/api/v1/activity?status=a&s=0&l=10")
    by_stranger = session_client(stranger).get("/api/v1/activity?status=a&s=0&l=10")

    assert by_key.status_code == by_stranger.status_code == 403
    assert by_stranger.json()["error"]["message"] == "Only a source's approvers see its approval queue."


@pytest.mark.parametrize("body", [b"[]", b"null", b"false", b"0", b'""', b'"x"', b"[1]"])
def test_reject_with_a_body_that_is_not_an_object_is_400_and_keeps_the_post(session_client, approver, queued, body):
    response = session_client(approver).generic(
        "POST", f"/api/v1/activity/{queued}/reject", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "validation_error",
            "message": "The request body is invalid.",
            "details": [{"field": "body", "problem": 'The body must be {"reason": "..."} or empty.'}],
        }
    }
    assert Post.objects.get().status == "a"
    assert not ModerationRecord.objects.filter(action="rejected").exists()
