"""AddActivities stores a batch set-based: a fixed number of statements, per-item answers kept."""

import json
import threading
import uuid

import pytest
from django.db import DatabaseError, close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, StreamEntry
from tests.factories import UserFactory, WopiFileFactory, WopiShareFactory
from tests.wopi.conftest import token_for
from tests.wopi.test_activities import add, comment
from wopi import services


def _mention(person):
    item = comment()
    item["People"] = [{"Id": str(person.pk), "Name": person.shown_name, "Mentioned": True, "Provider": "wopi-x"}]
    return item


@pytest.mark.django_db
def test_a_batch_costs_the_same_statements_whatever_its_size(wopi, wopi_file, owner_token, owner):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)
    add(wopi, wopi_file, owner_token, [comment()])  # the file's first activity also creates its object row
    counts = {}
    for size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = add(wopi, wopi_file, owner_token, [_mention(reader) for _ in range(size)])
        assert response.status_code == 200
        assert {a["Status"] for a in response.json()["ActivityResponses"]} == {0}
        counts[size] = len(queries)

    # SQLite takes at most 999 parameters per statement: there the activities and the entries each need two.
    assert counts[100] - counts[1] == (2 if connection.vendor == "sqlite" else 0)
    assert Activity.objects.filter(source="wopi").count() == 102
    assert StreamEntry.objects.filter(user=reader).count() == 101


@pytest.mark.django_db
def test_an_id_repeated_in_one_batch_is_stored_once_and_answered_twice(wopi, wopi_file, owner_token):
    items = [comment("00000003-abcd-abcd-abcd-abcdefabcdef"), comment("00000003-ABCD-ABCD-ABCD-ABCDEFABCDEF")]

    response = add(wopi, wopi_file, owner_token, items)

    assert response.json() == {
        "ActivityResponses": [
            {"Id": "00000003-abcd-abcd-abcd-abcdefabcdef", "Status": 0},
            {"Id": "00000003-ABCD-ABCD-ABCD-ABCDEFABCDEF", "Status": 0},
        ]
    }
    assert Activity.objects.filter(source="wopi").count() == 1


@pytest.mark.django_db
def test_when_the_batch_fails_each_item_is_stored_alone_and_only_the_failing_one_is_retryable(
    wopi, wopi_file, owner_token, monkeypatch
):
    items = [comment(), comment(), comment()]
    failing = str(uuid.UUID(items[1]["Id"]))
    record = services._record

    def flaky(*, access, drafts):
        if len(drafts) > 1 or drafts[0].external_id == failing:
            raise DatabaseError("simulated")
        record(access=access, drafts=drafts)

    monkeypatch.setattr(services, "_record", flaky)

    response = add(wopi, wopi_file, owner_token, items)

    assert response.json() == {
        "ActivityResponses": [
            {"Id": items[0]["Id"], "Status": 0},
            {"Id": items[1]["Id"], "Status": 1, "Message": "Could not store it now; retry."},
            {"Id": items[2]["Id"], "Status": 0},
        ]
    }
    stored = set(Activity.objects.filter(source="wopi").values_list("external_id", flat=True))
    assert stored == {str(uuid.UUID(items[0]["Id"])), str(uuid.UUID(items[2]["Id"]))}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_batches_sharing_ids_store_each_once_and_answer_all_zero(live_server, settings):
    import requests

    settings.WOPI_RATE_LIMIT_PER_MINUTE = 0
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner)
    token = token_for(owner, wopi_file)
    shared = [comment() for _ in range(30)]
    batches = [shared + [comment() for _ in range(10)] for _ in range(6)]
    barrier = threading.Barrier(len(batches))
    answers: list[tuple[int, list[int]]] = []
    guard = threading.Lock()

    def send(batch):
        barrier.wait()
        response = requests.post(
            f"{live_server.url}/wopi/files/{wopi_file.pk}/activities",
            params={"access_token": token},
            headers={"X-WOPI-Override": "ADD_ACTIVITIES", "Content-Type": "application/json"},
            data=json.dumps({"Activities": batch}),
            timeout=60,
        )
        with guard:
            answers.append((response.status_code, [a["Status"] for a in response.json()["ActivityResponses"]]))
        close_old_connections()

    threads = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [(200, [0] * 40)] * len(batches)
    assert Activity.objects.filter(source="wopi").count() == 30 + 6 * 10
    assert StreamEntry.objects.filter(user=owner).count() == 30 + 6 * 10
