"""What only PostgreSQL can show: the stream query's plan on a large table, and racing writers."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityObject, FeedToken
from activities.selectors import StreamFilter, stream_page
from activities.services import activity_record, feed_token_reset
from tests.factories import UserFactory

ACTIVITIES = 100_000


@pytest.fixture
def big_stream(db):
    """100,000 activities, set-based: every one reaches ``reader`` and one of 5 other users."""
    reader, actor = UserFactory(), UserFactory()
    others = UserFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO activities_activity (source, type, actor_id, actor_ref, actor_name, object_type, object_id,
                object_name, subject, subject_params, message, message_params, link, icon, payload, external_id,
                is_public, created)
            SELECT CASE WHEN n %% 3 = 0 THEN 'wopi' ELSE 'channels' END, 'did', %s, 'x', 'X', '', '', '',
                '{actor} did', '{}'::jsonb, '', '{}'::jsonb, '', '', '{}'::jsonb, '', false,
                now() - (n || ' seconds')::interval
            FROM generate_series(1, %s) AS n
            """,
            [actor.pk, ACTIVITIES],
        )
        cursor.execute(
            """
            INSERT INTO activities_streamentry (user_id, activity_id, source, by_self)
            SELECT %s, id, source, id %% 2 = 0 FROM activities_activity
            UNION ALL
            SELECT (%s::bigint[])[1 + id %% 5], id, source, false FROM activities_activity
            """,
            [reader.pk, [u.pk for u in others]],
        )
        cursor.execute("ANALYZE activities_activity")
        cursor.execute("ANALYZE activities_streamentry")
    return reader


def _plan(sql, analyze=False):
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


UNIQUE = "activities_entry_unique_user_activity"
CASES = [
    (StreamFilter(), False, "activities_entry_unique_user_activity"),
    (StreamFilter(), True, "activities_entry_unique_user_activity"),
    (StreamFilter(id="wopi", source="wopi"), False, "activities_entry_user_source"),
    (StreamFilter(id="self", by_self=True), False, "activities_entry_user_self"),
    (StreamFilter(id="by", by_self=False), True, "activities_entry_user_self"),
]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_stream_query_is_an_index_scan_without_sort_on_100k_activities(big_stream):
    for stream_filter, ascending, index in CASES:
        first = stream_page(user_id=big_stream.pk, stream_filter=stream_filter, limit=200, ascending=ascending)
        deep_since = first.last_given
        for _ in range(40):  # the 41st page: eight thousand rows in
            deep_since = stream_page(
                user_id=big_stream.pk, stream_filter=stream_filter, limit=200, since=deep_since, ascending=ascending
            ).last_given

        with CaptureQueriesContext(connection) as queries:
            page = stream_page(
                user_id=big_stream.pk, stream_filter=stream_filter, limit=200, since=deep_since, ascending=ascending
            )

        assert len(page.items) == 200
        page_sql = queries.captured_queries[-1]["sql"]
        plan = _plan(page_sql)
        assert "OFFSET" not in page_sql.upper()
        assert "Sort" not in plan, plan
        assert "Seq Scan" not in plan, plan
        # The planner may prefer the (user, activity) index with a filter when half the rows match: either way
        # the stream entries are read in index order from the cursor on.
        assert re.search(rf"Scan{' Backward' if not ascending else ''} using ({index}|{UNIQUE}) on", plan), plan
        # Every node reads a bounded number of rows: the page (201) times the filter's sparseness (at most 3).
        assert max(_actual_rows(page_sql)) <= 3 * 201 + 10, _plan(page_sql, analyze=True)


def _actual_rows(sql):
    return [int(n) for n in re.findall(r"actual time=[0-9.]+\.\.[0-9.]+ rows=(\d+)", _plan(sql, analyze=True))]


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_recorders_of_a_new_object_share_one_surrogate():
    actor = UserFactory()

    activities = _in_threads(
        8, lambda: activity_record(source="wopi", type="c", actor=actor, object_type="file", object_id="new-doc")
    )

    assert ActivityObject.objects.filter(object_type="file", native_id="new-doc").count() == 1
    assert len({a.object_ref_id for a in activities}) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_feed_resets_leave_one_token_whose_url_is_the_last_returned(client):
    user = UserFactory()

    paths = _in_threads(8, lambda: feed_token_reset(user=user))

    assert FeedToken.objects.filter(user=user).count() == 1
    working = [path for path in set(paths) if client.get(path).status_code == 200]
    assert len(working) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_recorders_of_one_external_id_store_it_once():
    from activities.models import Activity

    actor, reader = UserFactory(), UserFactory()

    activities = _in_threads(
        8,
        lambda: activity_record(
            source="wopi", type="c", actor=actor, users=[reader], object_type="file", object_id="d", external_id="e1"
        ),
    )

    assert Activity.objects.filter(external_id="e1").count() == 1
    assert len({a.pk for a in activities}) == 1
    assert sorted(Activity.objects.get(external_id="e1").entries.values_list("user_id", flat=True)) == sorted(
        [actor.pk, reader.pk]
    )
