"""Credentials on every Aggiefeed endpoint: missing, invalid, another source's or person's, insufficient.

Each case asserts the whole error body and that nothing changed; a post out of the caller's reach is
answered exactly like an id that does not exist, so its existence does not leak.
"""

import pytest

from aggiefeed.models import ApiKey, ModerationRecord, Post
from aggiefeed.services import post_approve
from tests.aggiefeed.conftest import make_activity
from tests.factories import AggiefeedApiKeyFactory, AggiefeedSourceFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_CREDENTIALS = "Authentication credentials were not provided."
UNKNOWN_KEY = "The API key is unknown."
KEY_NEEDED = "This call takes a source's API key (Authorization: ApiKey <key>)."
PERSON_NEEDED = "Moderation is a person's act: sign in to the administration; an API key cannot moderate."


def error(status, code, message):
    return {"error": {"status": status, "code": code, "message": message, "details": []}}


def not_found(object_id, queue):
    return error(404, "not_found", f"No activity {object_id!r} in queue {queue!r}.")


@pytest.fixture
def posts(post_created, approver):
    """One queued and one live post of the source, and what the tables hold before the call."""
    queued = post_created()
    live_activity = make_activity(title="Live")
    live_activity["object"]["ucdSrcId"] = "content-live"
    live = post_created(live_activity)
    post_approve(user=approver, object_id=live)
    return queued, live


def snapshot():
    return (
        sorted(Post.objects.values_list("object_id", "status", "title")),
        ModerationRecord.objects.count(),
    )


def key_calls(queued, live):
    """(name, method, url, body) of every call a source's key makes."""
    return [
        ("list", "get", "/api/v1/activity?s=0&l=10", None),
        ("create", "post", "/api/v1/activity", {"activity": make_activity(title="New")}),
        ("update", "put", f"/api/v1/activity/{queued}?status=a", {"activity": make_activity(title="Changed")}),
        ("delete", "delete", f"/api/v1/activity/{live}?status=l", None),
    ]


def call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, NO_CREDENTIALS),
        ("Bearer registrar-key-" + "r" * 24, NO_CREDENTIALS),
        ("Basic dXNlcjE6cGFzcw==", NO_CREDENTIALS),
        ("ApiKey nope", UNKNOWN_KEY),
        ("ApiKey", UNKNOWN_KEY),
        ("ApiKey " + "r" * 300, UNKNOWN_KEY),
        ("ApiKey \u00e9t\u00e9", UNKNOWN_KEY),
    ],
)
def test_key_calls_without_a_valid_key_are_401_and_change_nothing(anon_client, api_key, posts, header, message):
    if header is not None:
        anon_client.credentials(HTTP_AUTHORIZATION=header)
    before = snapshot()

    responses = {name: call(anon_client, method, url, body) for name, method, url, body in key_calls(*posts)}

    for name, response in responses.items():
        assert (name, response.status_code, response.json()) == (name, 401, error(401, "unauthenticated", message))
        assert response["WWW-Authenticate"] == "ApiKey"
    assert snapshot() == before


def test_key_calls_with_a_revoked_key_are_401(key_client, api_key, posts):
    ApiKey.objects.filter(pk=api_key.pk).update(is_active=False)
    before = snapshot()

    responses = {name: call(key_client, method, url, body) for name, method, url, body in key_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        name: (401, error(401, "unauthenticated", UNKNOWN_KEY)) for name in responses
    }
    assert snapshot() == before


def test_another_sources_key_reaches_nothing_of_this_source(anon_client, source, posts):
    queued, live = posts
    AggiefeedApiKeyFactory(source=AggiefeedSourceFactory(), secret="other-key-" + "o" * 24)
    anon_client.credentials(HTTP_AUTHORIZATION="ApiKey other-key-" + "o" * 24)
    before = snapshot()

    update = anon_client.put(
        f"/api/v1/activity/{queued}?status=a", {"activity": make_activity(title="Hijacked")}, format="json"
    )
    delete = anon_client.delete(f"/api/v1/activity/{live}?status=l")
    absent = anon_client.delete("/api/v1/activity/no-such-id?status=l")
    create = anon_client.post("/api/v1/activity", {"activity": make_activity(title="Forged")}, format="json")

    assert (update.status_code, update.json()) == (404, not_found(queued, "a"))
    assert (delete.status_code, delete.json()) == (404, not_found(live, "l"))
    assert (absent.status_code, absent.json()) == (404, not_found("no-such-id", "l"))
    assert (create.status_code, create.json()) == (
        403,
        {
            "error": {
                "status": 403,
                "code": "forbidden",
                "message": "actor.id must be the id of the key's source.",
                "details": [{"field": "activity.actor.id", "problem": "Not the source of this API key."}],
            }
        },
    )
    assert snapshot() == before


def test_a_moderator_session_is_not_a_key(session_client, approver, posts):
    client = session_client(approver)
    before = snapshot()

    responses = {name: call(client, method, url, body) for name, method, url, body in key_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        "list": (403, error(403, "forbidden", KEY_NEEDED)),
        "create": (403, error(403, "forbidden", KEY_NEEDED)),
        # PUT and DELETE take nothing but a key: a session is no credential there
        "update": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
        "delete": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
    }
    assert snapshot() == before


def moderation_calls(queued, live):
    return [
        ("queue", "get", "/api/v1/activity?status=a&s=0&l=10", None),
        ("approve", "post", f"/api/v1/activity/{queued}/approve", None),
        ("reject", "post", f"/api/v1/activity/{queued}/reject", {"reason": "no"}),
        ("unpublish", "post", f"/api/v1/activity/{live}/unpublish", None),
    ]


def test_moderation_without_a_session_is_401(anon_client, posts):
    before = snapshot()

    responses = {name: call(anon_client, method, url, body) for name, method, url, body in moderation_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        "queue": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
        "approve": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
        "reject": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
        "unpublish": (401, error(401, "unauthenticated", NO_CREDENTIALS)),
    }
    assert snapshot() == before


def test_moderation_with_a_key_is_403(key_client, posts):
    before = snapshot()

    responses = {name: call(key_client, method, url, body) for name, method, url, body in moderation_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        name: (403, error(403, "forbidden", PERSON_NEEDED)) for name in responses
    }
    assert snapshot() == before


def test_moderation_by_staff_who_approve_no_source_is_403(session_client, posts):
    client = session_client(UserFactory(username="clerk", is_staff=True))
    before = snapshot()

    responses = {name: call(client, method, url, body) for name, method, url, body in moderation_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        "queue": (403, error(403, "forbidden", "Only a source's approvers see its approval queue.")),
        "approve": (403, error(403, "forbidden", "Only a source's approvers moderate its posts.")),
        "reject": (403, error(403, "forbidden", "Only a source's approvers moderate its posts.")),
        "unpublish": (403, error(403, "forbidden", "Only a source's approvers moderate its posts.")),
    }
    assert snapshot() == before


def test_an_approver_of_another_source_meets_unknown_posts_and_an_empty_queue(session_client, posts):
    queued, live = posts
    other = UserFactory(username="other-approver", is_staff=True)
    AggiefeedSourceFactory(approvers=[other])
    client = session_client(other)
    before = snapshot()

    responses = {name: call(client, method, url, body) for name, method, url, body in moderation_calls(*posts)}
    absent = client.post("/api/v1/activity/no-such-id/approve")

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        "queue": (200, []),
        "approve": (404, not_found(queued, "a")),
        "reject": (404, not_found(queued, "a")),
        "unpublish": (404, not_found(live, "l")),
    }
    assert (absent.status_code, absent.json()) == (404, not_found("no-such-id", "a"))
    assert snapshot() == before


def test_a_deactivated_approver_is_signed_out(session_client, approver, posts):
    client = session_client(approver)
    approver.is_active = False
    approver.save()
    before = snapshot()

    responses = {name: call(client, method, url, body) for name, method, url, body in moderation_calls(*posts)}

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        name: (401, error(401, "unauthenticated", NO_CREDENTIALS)) for name in responses
    }
    assert snapshot() == before
