"""The period rules of the contract §5 through the services (the API tests cover the HTTP side)."""

import pytest

from channels.errors import InvalidOperation, MissingFolder, PeriodsOverlap, UnknownChannel
from channels.models import Event
from channels.permissions import Access
from channels.services import EventInput, event_create, event_start, event_stop, event_update
from tests.factories import ChannelFactory, FolderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(channel):
    FolderFactory(channel=channel, ident="f")
    return {"access": Access.owner(channel.user), "channel_id": "work"}


def test_at_most_one_event_runs_in_a_strict_channel(scope):
    for at in (100, 200, 300):
        event_start(**scope, data=EventInput(folder_id="f", time=at))

    running = Event.objects.filter(is_period=True, duration__isnull=True)
    assert list(running.values_list("time", flat=True)) == [300]
    assert sorted(Event.objects.values_list("time", "end_time")) == [(100, 200), (200, 300), (300, None)]


def test_new_events_are_guarded_only_in_strict_channels(scope, owner):
    ChannelFactory(user=owner, ident="free", enforce_no_events_overlap=False)

    strict = event_create(**scope, data=EventInput(time=10, duration=5)).event
    free = event_create(access=scope["access"], channel_id="free", data=EventInput(time=10, duration=5)).event

    assert (strict.overlap_guarded, free.overlap_guarded) == (True, False)


def test_two_events_cannot_run_from_the_same_instant(scope):
    event_start(**scope, data=EventInput(folder_id="f", time=100))

    with pytest.raises(InvalidOperation) as error:
        event_start(**scope, data=EventInput(folder_id="f", time=100))

    assert set(error.value.data) == {"conflictingPeriodId"}


def test_a_period_inside_a_finished_one_overlaps(scope):
    first = event_create(**scope, data=EventInput(time=100, duration=100)).event

    with pytest.raises(PeriodsOverlap) as error:
        event_create(**scope, data=EventInput(time=150, duration=10))

    assert error.value.data == {"overlappedIds": [first.ident]}


def test_a_running_event_that_started_before_is_stopped_not_overlapped(scope):
    runner = event_start(**scope, data=EventInput(folder_id="f", time=100)).event

    result = event_create(**scope, data=EventInput(time=150, duration=10))

    assert result.stopped_id == runner.ident
    runner.refresh_from_db()
    assert (runner.duration, runner.end_time) == (50, 150)


def test_update_rechecks_and_leaves_the_event_unchanged_on_error(scope):
    event_create(**scope, data=EventInput(time=100, duration=10))
    second = event_create(**scope, data=EventInput(time=200, duration=10)).event

    with pytest.raises(PeriodsOverlap):
        event_update(**scope, event_id=second.ident, data=EventInput(time=105))

    second.refresh_from_db()
    assert second.time == 200


def test_start_without_folder_is_missing_folder(scope):
    with pytest.raises(MissingFolder):
        event_start(**scope, data=EventInput(time=1))


def test_stop_without_running_event_returns_none(scope):
    assert event_stop(**scope) is None


def test_services_treat_another_users_channel_as_unknown(scope):
    with pytest.raises(UnknownChannel):
        event_create(access=Access.owner(UserFactory()), channel_id="work", data=EventInput())
