"""Races settled by the database: parallel requests on PostgreSQL (skipped on SQLite)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from rest_framework.test import APIClient

from activities.models import Activity
from aggiefeed.models import Approval, Post
from tests.aggiefeed.conftest import make_activity
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_parallel(calls):
    barrier = Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def key_client():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="ApiKey registrar-key-" + "r" * 24)
    return client


def test_two_posts_of_the_same_object_id_store_one_and_answer_409(api_key):
    clients = [key_client() for _ in range(6)]

    responses = in_parallel(
        [lambda c=c: c.post("/api/v1/activity", {"activity": make_activity()}, format="json") for c in clients]
    )

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409, 409]
    assert Post.objects.count() == 1


def test_two_approvers_at_once_count_two_and_publish_once(api_key, source, approver, session_client):
    second = UserFactory(username="approver2", is_staff=True)
    source.approvers.add(second)
    source.approvals_needed = 2
    source.save()
    object_id = (
        key_client()
        .post("/api/v1/activity", {"activity": make_activity()}, format="json")
        .json()["activity"]["object"]["id"]
    )
    clients = [session_client(approver), session_client(second)]

    responses = in_parallel([lambda c=c: c.post(f"/api/v1/activity/{object_id}/approve") for c in clients])

    assert [r.status_code for r in responses] == [200, 200]
    assert sorted((r.json()["status"], r.json()["approvals"]) for r in responses) == [("a", 1), ("l", 2)]
    assert Post.objects.get().status == "l"
    assert Activity.objects.count() == 1


def test_the_same_approver_twice_at_once_counts_once(api_key, source, approver, session_client):
    source.approvals_needed = 2
    source.save()
    object_id = (
        key_client()
        .post("/api/v1/activity", {"activity": make_activity()}, format="json")
        .json()["activity"]["object"]["id"]
    )
    clients = [session_client(approver) for _ in range(4)]

    responses = in_parallel([lambda c=c: c.post(f"/api/v1/activity/{object_id}/approve") for c in clients])

    assert [r.status_code for r in responses] == [200] * 4
    assert Approval.objects.count() == 1
    assert Post.objects.get().status == "a"


def test_approve_racing_reject_ends_live_or_rejected_never_both(api_key, source, approver, session_client):
    object_id = (
        key_client()
        .post("/api/v1/activity", {"activity": make_activity()}, format="json")
        .json()["activity"]["object"]["id"]
    )
    approve_client, reject_client = session_client(approver), session_client(approver)

    responses = in_parallel(
        [
            lambda: approve_client.post(f"/api/v1/activity/{object_id}/approve"),
            lambda: reject_client.post(f"/api/v1/activity/{object_id}/reject", {"reason": "race"}, format="json"),
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 404]
    outcome = (Post.objects.filter(status="l").count(), Post.objects.count(), Activity.objects.count())
    assert outcome in [(1, 1, 1), (0, 0, 0)]
