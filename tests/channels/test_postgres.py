"""PostgreSQL itself: the exclusion constraint, concurrent period writes at one channel, the events index."""

import itertools
import random
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from channels.models import Event
from channels.permissions import Access
from channels.selectors import EventQuery, channel_scope, events_query
from tests.factories import ChannelFactory, EventFactory, FolderFactory

pytestmark = pytest.mark.postgres


def guarded(channel, start, duration, **extra):
    return EventFactory(
        channel=channel,
        time=start,
        duration=duration,
        end_time=start + duration if duration else None,
        is_period=True,
        overlap_guarded=True,
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [((100, 50), (120, 10)), ((100, None), (200, 10)), ((100, None), (50, None)), ((100, 50), (90, 20))],
)
def test_the_exclusion_constraint_refuses_overlapping_guarded_periods(channel, first, second):
    guarded(channel, *first)

    with pytest.raises(IntegrityError), transaction.atomic():
        guarded(channel, *second)


@pytest.mark.django_db
def test_the_exclusion_constraint_lets_through_what_the_rules_allow(channel, owner):
    guarded(channel, 100, 50)
    guarded(channel, 150, 10)  # touching: half-open intervals
    guarded(channel, 120, 10, trashed=True)
    EventFactory(channel=channel, time=120, duration=10, end_time=130, is_period=True)  # not guarded
    EventFactory(channel=channel, time=120)  # a mark
    guarded(ChannelFactory(user=owner), 100, 50)  # another channel

    assert Event.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_start_stop_and_record_keep_the_period_rules_and_lose_nothing(owner, make_token):
    channel = ChannelFactory(user=owner, ident="work", name="Work")
    FolderFactory(channel=channel, ident="projects", name="Projects")
    secret = make_token(owner)
    base = time.time() - 100_000
    rng = random.Random(42)
    requests = (
        [("start", {"folderId": "projects", "time": base + rng.randrange(9000, 12000)}) for _ in range(10)]
        + [("stop", {"time": base + rng.randrange(9000, 13000)}) for _ in range(6)]
        + [("record", {"time": base + rng.randrange(0, 9000), "duration": rng.randrange(1, 600)}) for _ in range(14)]
    )
    rng.shuffle(requests)
    paths = {"start": "/work/events/start", "stop": "/work/events/stop", "record": "/work/events"}
    barrier = threading.Barrier(len(requests))
    results = []
    lock = threading.Lock()

    def fire(kind, body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=secret)
        try:
            barrier.wait()
            response = client.post(paths[kind], body, format="json")
            with lock:
                results.append((kind, body, response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == len(requests) >= 20
    statuses = {status for _, _, status, _ in results}
    assert statuses <= {200, 201, 400}, results
    assert not [body for _, _, status, body in results if status == 400 and body["id"] not in {
        "PERIODS_OVERLAP", "INVALID_OPERATION"}]  # fmt: skip
    created = {body["id"] for _, _, status, body in results if status == 201}
    assert created
    assert created <= set(Event.objects.values_list("ident", flat=True))
    periods = list(Event.objects.filter(is_period=True, trashed=False).order_by("time"))
    assert len(periods) == len(created)
    assert sum(1 for e in periods if e.duration is None) <= 1
    for earlier, later in itertools.pairwise(periods):
        assert earlier.end_time is not None, f"{earlier.ident} runs behind {later.ident}"
        assert earlier.end_time <= later.time, f"{earlier.ident} overlaps {later.ident}"
        assert earlier.end_time == earlier.time + earlier.duration
    stopped = {body.get("stoppedId") for _, _, status, body in results if status in (200, 201)} - {None}
    assert all(Event.objects.get(ident=ident).duration is not None for ident in stopped)


@pytest.mark.django_db
def test_the_events_query_uses_the_channel_time_index(owner):
    channels = [ChannelFactory(user=owner) for _ in range(4)]
    Event.objects.bulk_create(
        Event(user=owner, channel=channels[index % 4], ident=f"bulk-{index}", time=float(index), modified=1.0)
        for index in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE channels_event")
    scope = channel_scope(access=Access.owner(owner), channel_id=channels[0].ident)

    plans = []
    for query in (EventQuery(), EventQuery(from_time=1000.0, to_time=2000.0, sort_ascending=True)):
        with CaptureQueriesContext(connection) as context:
            events_query(scope=scope, query=query)
        sql = next(q["sql"] for q in context.captured_queries if 'FROM "channels_event"' in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    for plan in plans:
        assert "channels_event_channel_time" in plan, plan
