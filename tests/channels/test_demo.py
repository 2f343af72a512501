import pytest

from activities.models import StreamEntry
from channels.demo import seed
from channels.models import Channel, Event, Folder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_builds_anns_work_channel_through_the_services_once():
    ann = UserFactory(username="ann")

    notes = seed({"ann": ann})
    again = seed({"ann": ann})

    assert notes == ["Pryv channel 'work' of ann (folders, periods, one running): log in at / as ann to see it."]
    assert again == []
    channel = Channel.objects.get(user=ann, ident="work")
    assert Folder.objects.filter(channel=channel).count() == 3
    assert Event.objects.filter(channel=channel).count() == 12
    assert Event.objects.filter(channel=channel, is_period=True, duration__isnull=True).count() == 1
    assert Event.objects.filter(channel=channel, is_period=True, overlap_guarded=True).count() == 11
    assert StreamEntry.objects.filter(user=ann, source="channels").count() == 12
