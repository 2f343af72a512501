"""The admin lists of the activity store: a fixed number of queries and no scan of the whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import registry
from tests.activities.conftest import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["/admin/activities/activity/", "/admin/activities/streamentry/"]


def _queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("path", LISTS)
def test_an_admin_list_costs_the_same_whatever_the_rows_and_reads_no_distinct_values(client, reader, actor, path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    record(actor, users=[reader])
    few = _queries(client, path)
    for n in range(30):
        record(actor, users=[reader], source=f"source{n % 7}", type=f"type{n}")

    many = _queries(client, path)

    assert len(many) == len(few)
    assert not [sql for sql in many if "DISTINCT" in sql.upper()]


@pytest.mark.parametrize(
    ("path", "activity_of"), [(LISTS[0], lambda row: row.pk), (LISTS[1], lambda row: row.activity_id)]
)
def test_the_source_filter_offers_the_registered_sources_and_keeps_one(
    client, reader, actor, monkeypatch, path, activity_of
):
    monkeypatch.setattr(registry, "_sources", {"test": registry.ActivitySource(id="test", name="Tests", icon="")})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    kept = record(actor, users=[reader])
    record(actor, users=[reader], source="other")

    response = client.get(path, {"source": "test"})

    changelist = response.context["cl"]
    assert response.status_code == 200
    assert {activity_of(row) for row in changelist.result_list} == {kept.pk}
    assert [choice["display"] for choice in changelist.filter_specs[0].choices(changelist)] == ["All", "Tests"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["nope", "nope\x00", "💩" * 300])
def test_a_hand_edited_source_is_the_invalid_filter_notice(client, reader, actor, path, value):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    record(actor, users=[reader])

    response = client.get(path, {"source": value})

    assert response.status_code == 302
    assert response["Location"] == f"{path}?e=1"
