"""activity_record's fan-out: one INSERT ... SELECT of the audience, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import StreamEntry
from activities.services import activity_record
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record(actor, **kwargs):
    return activity_record(source="test", type="did", actor=actor, subject="{actor} did it", **kwargs)


def _entries(activity):
    return dict(StreamEntry.objects.filter(activity=activity).values_list("user_id", "by_self"))


def _fan_out_statements(queries):
    return [q["sql"] for q in queries if "INSERT INTO" in q["sql"] and "activities_streamentry" in q["sql"]]


@pytest.mark.parametrize("members", [1, 40])
def test_a_group_of_any_size_is_one_statement(members):
    actor = UserFactory()
    group = GroupFactory(name="crowd")
    for user in UserFactory.create_batch(members):
        user.groups.add(group)

    with CaptureQueriesContext(connection) as queries:
        activity = _record(actor, groups=[group])

    assert len(_fan_out_statements(queries.captured_queries)) == 1
    assert len(_entries(activity)) == members + 1


def test_inactive_members_are_left_out_but_a_listed_inactive_user_is_reached():
    actor, listed_inactive, member, inactive_member = UserFactory.create_batch(4)
    group = GroupFactory(name="students")
    for user in (member, inactive_member):
        user.groups.add(group)
    for user in (listed_inactive, inactive_member):
        user.is_active = False
        user.save(update_fields=["is_active"])

    activity = _record(actor, users=[listed_inactive], groups=[group])

    assert _entries(activity) == {actor.pk: True, listed_inactive.pk: False, member.pk: False}


def test_the_actor_reached_through_a_group_is_by_self_even_when_not_included():
    actor, member = UserFactory.create_batch(2)
    group = GroupFactory(name="team")
    for user in (actor, member):
        user.groups.add(group)

    activity = _record(actor, groups=[group], include_actor=False)

    assert _entries(activity) == {actor.pk: True, member.pk: False}


def test_everyone_and_a_listed_user_overlap_once_each():
    actor, other = UserFactory.create_batch(2)

    activity = _record(actor, users=[other], everyone=True)

    assert _entries(activity) == {actor.pk: True, other.pk: False}


def test_no_actor_and_no_audience_writes_nothing():
    activity = activity_record(source="test", type="did", subject="nobody")

    assert _entries(activity) == {}


def test_an_id_of_no_user_is_skipped():
    actor = UserFactory()

    activity = _record(actor, users=[actor.pk + 1000])

    assert _entries(activity) == {actor.pk: True}
