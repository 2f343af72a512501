"""A client paging through its stream, and the cost of a page (contract §5.4, §6; issue 5 "Done when")."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity, StreamEntry
from activities.services import activity_record
from tests.activities.conftest import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

V1 = "/ocs/v1.php/apps/activity/api/v2/activity"
V2 = "/ocs/v2.php/apps/activity/api/v2/activity"


def _fill(actor, reader, count):
    """``count`` activities reaching ``reader`` (and a stranger's noise in between), oldest first."""
    stranger = UserFactory()
    ids = []
    for n in range(count):
        ids.append(record(actor, users=[reader], text=f"did {n}").pk)
        if n % 50 == 0:
            record(actor, users=[stranger], include_actor=False)
    return ids


def _follow(client, url, params):
    """Play nc_py_api: read pages, follow ``Link`` until the 304 (v2) or statuscode 304 (v1)."""
    seen, requests = [], 0
    while True:
        requests += 1
        response = client.get(url, params)
        if response.status_code == 304 or response.json()["ocs"]["meta"]["statuscode"] == 304:
            return seen, requests, response
        data = response.json()["ocs"]["data"]
        seen += [item["activity_id"] for item in data]
        assert int(response["X-Activity-Last-Given"]) == data[-1]["activity_id"]
        link = response.get("Link")
        if link is None:
            params = {**params, "since": response["X-Activity-Last-Given"]}
            continue
        target = re.fullmatch(r'<http://testserver([^?]+)\?([^>]*)>; rel="next"', link)
        assert target is not None
        url = target.group(1)
        params = dict(pair.split("=", 1) for pair in target.group(2).split("&"))


def test_a_client_pages_through_a_few_hundred_activities_in_both_directions(ocs, reader, actor):
    ids = _fill(actor, reader, 320)
    client = ocs(reader)

    newest_first, requests, end = _follow(client, V2, {"format": "json", "limit": "50"})
    oldest_first, _, end_asc = _follow(client, V1, {"format": "json", "limit": "70", "sort": "asc"})

    assert newest_first == ids[::-1]
    assert requests == 8  # 7 pages of at most 50, then the 304
    assert end.status_code == 304
    assert oldest_first == ids
    assert end_asc.status_code == 200
    assert end_asc.json()["ocs"]["meta"]["statuscode"] == 304


def test_polling_with_since_ascending_sees_only_new_activities_then_304(ocs, reader, actor):
    ids = _fill(actor, reader, 30)
    client = ocs(reader)
    newest = client.get(V2, {"format": "json", "limit": "1"})["X-Activity-First-Known"]

    nothing_new = client.get(V2, {"format": "json", "since": newest, "sort": "asc"})
    fresh = [record(actor, users=[reader]).pk for _ in range(3)]
    new_items, _, end = _follow(client, V2, {"format": "json", "since": newest, "sort": "asc", "limit": "2"})

    assert int(newest) == ids[-1]
    assert nothing_new.status_code == 304
    assert new_items == fresh
    assert end.status_code == 304


@pytest.mark.parametrize("filter_path", ["", "/all", "/self", "/by", "/test"])
def test_a_stream_page_costs_the_same_queries_whatever_its_size(
    ocs, reader, actor, filter_path, monkeypatch, django_assert_max_num_queries
):
    from activities import registry

    monkeypatch.setitem(registry._sources, "test", registry.ActivitySource(id="test", name="t", icon=""))
    _bulk(actor, reader, 450)
    client = ocs(reader)
    counts = {}
    for limit in (1, 50, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(V2 + filter_path, {"format": "json", "limit": limit, "since": "0"})
        assert response.status_code == 200
        counts[limit] = len(queries)

    with django_assert_max_num_queries(3):  # the user with its app password, the since check, the page
        deep = client.get(
            V2 + filter_path, {"format": "json", "limit": 200, "since": response["X-Activity-Last-Given"]}
        )

    assert deep.status_code == 200
    assert len(set(counts.values())) == 1
    assert counts[200] == 2  # the user with its app password, the page (first-known rides along)


def test_the_object_filter_page_costs_one_more_query(ocs, reader, actor, django_assert_max_num_queries):
    """The object's lookup; the reader's first-known activity rides along with the page."""
    for _ in range(30):
        record(actor, users=[reader], object_type="files", object_id="doc-1")
    surrogate = Activity.objects.first().object_ref_id
    client = ocs(reader)

    with django_assert_max_num_queries(3):
        response = client.get(V2 + "/filter", {"format": "json", "object_type": "files", "object_id": surrogate})

    assert len(response.json()["ocs"]["data"]) == 30


def _bulk(actor, reader, count):
    """Many stream rows fast: rows written directly (the audience rules are tested with activity_record)."""
    params = {"actor": {"type": "user", "id": actor.username, "name": actor.display_name}}
    template = activity_record(source="test", type="did", actor=actor, subject="{actor} did", subject_params=params)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                source="test",
                type="did",
                actor=actor,
                actor_ref=actor.username,
                actor_name=actor.display_name,
                subject="{actor} did",
                subject_params=params,
                created=template.created,
            )
            for _ in range(count)
        ]
    )
    StreamEntry.objects.bulk_create(
        [StreamEntry(user=reader, activity=a, source="test", by_self=n % 2 == 0) for n, a in enumerate(activities)]
    )
    Activity.objects.filter(pk__in=[a.pk for a in activities[::2]]).update(actor=reader, actor_ref=reader.username)
