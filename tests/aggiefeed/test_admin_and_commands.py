"""Moderation in the Django admin, the key command and the demo data."""

import pytest
from django.core.management import CommandError, call_command

from accounts.secrets import secret_hash
from activities.models import Activity
from aggiefeed.demo import DEMO_SOURCE_ID
from aggiefeed.models import ApiKey, ModerationRecord, Post, Source
from aggiefeed.selectors import api_key_by_secret
from tests.aggiefeed.conftest import make_activity
from tests.factories import AggiefeedSourceFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/aggiefeed/pendingpost/"
LIVE = "/admin/aggiefeed/livepost/"


@pytest.fixture
def queued(post_created):
    first = post_created(make_activity(title="Exam schedule"))
    other = make_activity(title="Farmers market", to={"groups": ["staff"]})
    other["object"]["ucdSrcId"] = "content-2"
    other["ucdEdusMeta"]["labels"] = ["~campus-life"]
    second = post_created(other)
    return first, second


def logged_in(client, user):
    client.force_login(user)
    return client


def test_an_approver_sees_their_queue_with_a_preview_and_filters(client, approver, queued):
    logged_in(client, approver)

    everything = client.get(QUEUE)
    by_label = client.get(QUEUE, {"label": "~campus-life"})
    by_group = client.get(QUEUE, {"group": "students"})
    searched = client.get(QUEUE, {"q": "market"})
    detail = client.get(f"{QUEUE}{Post.objects.get(object_id=queued[0]).pk}/change/")

    assert everything.status_code == 200
    assert b"Exam schedule" in everything.content
    assert b"Farmers market" in everything.content
    assert [p.title for p in by_label.context["cl"].result_list] == ["Farmers market"]
    assert [p.title for p in by_group.context["cl"].result_list] == ["Exam schedule"]
    assert [p.title for p in searched.context["cl"].result_list] == ["Farmers market"]
    assert detail.status_code == 200
    assert b"This is a test notification" in detail.content
    assert b'href="http://ucdavis.edu"' in detail.content
    assert b"submitted" in detail.content


def test_a_staff_user_who_approves_nothing_sees_no_queue(client, queued):
    logged_in(client, UserFactory(username="clerk", is_staff=True))

    index = client.get("/admin/")
    queue = client.get(QUEUE)

    assert b"approval queue" not in index.content.lower()
    assert queue.status_code == 403


def test_an_approver_of_another_source_sees_an_empty_queue(client, queued):
    other = UserFactory(username="other", is_staff=True)
    AggiefeedSourceFactory(approvers=[other])
    logged_in(client, other)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert client.get(f"{QUEUE}{Post.objects.get(object_id=queued[0]).pk}/change/").status_code == 302


def test_bulk_approve_goes_through_the_service(client, approver, queued):
    logged_in(client, approver)
    pks = list(Post.objects.values_list("pk", flat=True))

    response = client.post(QUEUE, {"action": "approve_selected", "_selected_action": pks}, follow=True)

    assert response.status_code == 200
    assert b"Approved 2 post(s); 2 went live." in response.content
    assert set(Post.objects.values_list("status", flat=True)) == {"l"}
    assert Activity.objects.count() == 2
    assert ModerationRecord.objects.filter(action="approved", user=approver).count() == 2


def test_bulk_reject_asks_for_a_reason_then_rejects(client, approver, queued):
    logged_in(client, approver)
    pk = Post.objects.get(object_id=queued[0]).pk

    confirm = client.post(QUEUE, {"action": "reject_selected", "_selected_action": [pk]})
    done = client.post(
        QUEUE,
        {"action": "reject_selected", "_selected_action": [pk], "confirm": "yes", "reason": "Duplicate"},
        follow=True,
    )

    assert confirm.status_code == 200
    assert b'name="reason"' in confirm.content
    assert b"Exam schedule" in confirm.content
    assert b"Rejected 1 post(s)." in done.content
    assert not Post.objects.filter(pk=pk).exists()
    assert ModerationRecord.objects.get(action="rejected").reason == "Duplicate"


def test_bulk_unpublish_from_the_live_stream(client, approver, queued):
    logged_in(client, approver)
    client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": list(Post.objects.values_list("pk", flat=True))}
    )

    response = client.post(
        LIVE,
        {"action": "unpublish_selected", "_selected_action": list(Post.objects.values_list("pk", flat=True))},
        follow=True,
    )

    assert b"Unpublished 2 post(s)." in response.content
    assert set(Post.objects.values_list("status", flat=True)) == {"a"}
    assert not Activity.objects.exists()


def test_the_audit_trail_is_read_only_and_scoped(client, approver, queued):
    logged_in(client, approver)
    stranger = UserFactory(username="stranger", is_staff=True)

    mine = client.get("/admin/aggiefeed/moderationrecord/")
    record = ModerationRecord.objects.first()
    detail = client.get(f"/admin/aggiefeed/moderationrecord/{record.pk}/change/")
    client.force_login(stranger)
    theirs = client.get("/admin/aggiefeed/moderationrecord/")

    assert mine.status_code == 200
    assert len(mine.context["cl"].result_list) == 2
    assert b'name="_save"' not in detail.content
    assert theirs.status_code == 403


def test_adding_a_key_in_the_admin_shows_the_secret_once(client, source):
    logged_in(client, UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/aggiefeed/apikey/add/", {"source": source.pk, "name": "portal", "is_active": "on"}, follow=True
    )

    message = next(str(m) for m in response.context["messages"])
    secret = message.split("The new API key is ")[1].split(" ")[0]
    key = ApiKey.objects.get(name="portal")
    assert key.secret_hash == secret_hash(secret)
    assert key.prefix == secret[:8]
    assert api_key_by_secret(secret=secret) == key
    assert secret.encode() not in client.get(f"/admin/aggiefeed/apikey/{key.pk}/change/").content


def test_the_key_command_prints_a_working_key(source, capsys):
    call_command("aggiefeed_apikey", source.ident, "--name", "cli")
    by_name = capsys.readouterr()
    call_command("aggiefeed_apikey", "Registrar")

    secret = by_name.out.strip()
    assert api_key_by_secret(secret=secret).source == source
    assert "it is not shown again" in by_name.err
    assert ApiKey.objects.filter(source=source).count() == 2


def test_the_key_command_refuses_an_unknown_source():
    with pytest.raises(CommandError, match="No source with id or name 'nope'"):
        call_command("aggiefeed_apikey", "nope")


def test_the_demo_is_idempotent_and_has_queued_and_live_posts(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    call_command("seed_demo")

    assert Source.objects.filter(ident=DEMO_SOURCE_ID).count() == 1
    assert ApiKey.objects.count() == 1
    assert sorted(Post.objects.values_list("status", flat=True)) == ["a", "a", "l", "l"]
    secret = out.split("Authorization: ApiKey ")[1].split()[0]
    assert api_key_by_secret(secret=secret) is not None
    assert "Authorization: ApiKey" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (QUEUE, "source=abc"),
        (QUEUE, "source=99999999999999999999999"),
        (QUEUE, "label=%00"),
        (QUEUE, "label=~unknown"),
        (QUEUE, "group=%00"),
        (LIVE, "group=alumni"),
        ("/admin/aggiefeed/moderationrecord/", "source=abc"),
    ],
)
def test_a_hand_edited_filter_value_sends_the_moderator_back_to_the_list(client, approver, queued, url, query):
    logged_in(client, approver)

    response = client.get(f"{url}?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_the_source_filter_lists_only_the_moderators_sources_and_filters_on_them(client, approver, source, queued):
    AggiefeedSourceFactory(name="Someone else's", approvers=[UserFactory(username="other", is_staff=True)])
    logged_in(client, approver)

    response = client.get(QUEUE, {"source": str(source.pk)})

    source_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "source")
    assert source_filter.lookup_choices == [(str(source.pk), "Registrar")]
    assert len(response.context["cl"].result_list) == 2


@pytest.mark.parametrize("size", [1, 20])
def test_the_moderation_lists_run_a_fixed_number_of_queries(
    client, approver, post_created, size, django_assert_max_num_queries
):
    for index in range(size):
        activity = make_activity(title=f"Post {index}", to={"groups": ["students"], "users": ["kim", "lee"]})
        activity["object"]["ucdSrcId"] = f"content-{index}"
        post_created(activity)
    logged_in(client, approver)
    client.post(QUEUE, {"action": "approve_selected", "_selected_action": [Post.objects.first().pk]})

    with django_assert_max_num_queries(12):
        queue = client.get(QUEUE)
    with django_assert_max_num_queries(12):
        live = client.get(LIVE)
    with django_assert_max_num_queries(11):
        records = client.get("/admin/aggiefeed/moderationrecord/")

    assert len(queue.context["cl"].result_list) == size - 1
    assert len(live.context["cl"].result_list) == 1
    assert len(records.context["cl"].result_list) == size + 2
