import pytest

from activities.models import Activity, StreamEntry
from activities.registry import ActivityView, render_template, you_renderer
from activities.selectors import stream_entries, stream_latest
from activities.services import activity_record, activity_retract
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record(actor, **kwargs):
    params = {"actor": {"type": "user", "id": actor.username, "name": actor.display_name}}
    return activity_record(
        source="test", type="did", actor=actor, subject="{actor} did it", subject_params=params, **kwargs
    )


def test_an_activity_reaches_its_users_group_members_and_actor():
    actor, listed, member, outsider = UserFactory.create_batch(4)
    group = GroupFactory(name="students")
    member.groups.add(group)

    activity = _record(actor, users=[listed], groups=[group])

    reached = set(StreamEntry.objects.filter(activity=activity).values_list("user_id", flat=True))
    assert reached == {actor.pk, listed.pk, member.pk}
    assert outsider.pk not in reached
    assert list(activity.groups.all()) == [group]
    assert StreamEntry.objects.get(activity=activity, user=actor).by_self is True
    assert StreamEntry.objects.get(activity=activity, user=listed).by_self is False


def test_everyone_reaches_every_active_user_but_not_inactive_ones():
    actor = UserFactory()
    active = UserFactory()
    inactive = UserFactory(is_active=False)

    activity = _record(actor, everyone=True)

    reached = set(StreamEntry.objects.filter(activity=activity).values_list("user_id", flat=True))
    assert {actor.pk, active.pk} <= reached
    assert inactive.pk not in reached
    assert activity.is_public is True


def test_a_resent_external_id_is_stored_once():
    actor = UserFactory()

    first = _record(actor, object_type="file", object_id="f1", external_id="a1")
    second = _record(actor, object_type="file", object_id="f1", external_id="a1")
    other_file = _record(actor, object_type="file", object_id="f2", external_id="a1")

    assert first.pk == second.pk
    assert other_file.pk != first.pk
    assert Activity.objects.count() == 2


def test_retract_takes_an_object_out_of_every_stream():
    actor, reader = UserFactory.create_batch(2)
    _record(actor, users=[reader], object_type="post", object_id="p1")
    kept = _record(actor, users=[reader], object_type="post", object_id="p2")

    removed = activity_retract(source="test", object_type="post", object_id="p1")

    assert removed == 1
    assert list(stream_entries(user_id=reader.pk).values_list("activity_id", flat=True)) == [kept.pk]


def test_stream_latest_is_newest_first_and_one_query(django_assert_num_queries):
    actor = UserFactory()
    ids = [_record(actor).pk for _ in range(5)]

    with django_assert_num_queries(1):
        latest = stream_latest(user_id=actor.pk, limit=3)

    assert [a.pk for a in latest] == ids[::-1][:3]


def test_the_you_renderer_speaks_to_the_actor():
    render = you_renderer("You commented on {file}")
    params = {
        "actor": {"type": "user", "id": "ann", "name": "Ann"},
        "file": {"type": "file", "id": "1", "name": "a.docx"},
    }

    mine = render(
        ActivityView(actor_id=1, actor_name="Ann", template="{actor} commented on {file}", params=params, viewer_id=1)
    )
    theirs = render(
        ActivityView(actor_id=1, actor_name="Ann", template="{actor} commented on {file}", params=params, viewer_id=2)
    )

    assert mine.text == "You commented on a.docx"
    assert set(mine.params) == {"file"}
    assert theirs.text == "Ann commented on a.docx"
    assert render_template("{missing} x", {}) == "{missing} x"
