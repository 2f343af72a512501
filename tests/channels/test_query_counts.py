"""The folder tree and the events query run a fixed number of SQL queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels.permissions import Access
from channels.selectors import channel_scope, folder_time_counts
from tests.factories import AttachmentFactory, EventFactory, FolderFactory

pytestmark = pytest.mark.django_db

# token (with its permissions and user), channel, folders, then (tree) the time counts or (events) events +
# attachments
TREE_QUERIES = 3
EVENTS_QUERIES = 3


def build_tree(channel, count):
    parents = [None]
    for index in range(count):
        folder = FolderFactory(channel=channel, parent=parents[index // 3], ident=f"f{index}", name=f"F{index}")
        parents.append(folder)
        EventFactory(channel=channel, folder=folder, time=100 + index * 10, duration=5, end_time=105 + index * 10,
                     is_period=True)  # fmt: skip
    return parents[1:]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


@pytest.mark.parametrize("size", [3, 80])
def test_folder_tree_with_time_counts_runs_a_fixed_number_of_queries(
    personal, channel, size, django_assert_max_num_queries
):
    build_tree(channel, size)

    with django_assert_max_num_queries(TREE_QUERIES):
        response = personal.get("/work/folders?timeCountBase=0&includeHidden=true&state=all")

    assert response.status_code == 200
    assert len(response.json()) == 3


def test_folder_tree_query_count_does_not_grow_with_the_tree(personal, channel):
    build_tree(channel, 3)
    small, _ = count_queries(personal, "/work/folders?timeCountBase=0")
    build_tree(channel, 0)
    for index in range(3, 90):
        FolderFactory(channel=channel, ident=f"g{index}", name=f"G{index}")

    large, body = count_queries(personal, "/work/folders?timeCountBase=0")

    assert len(body) == 3 + 87
    assert small == large == TREE_QUERIES


@pytest.mark.parametrize("size", [2, 150])
def test_events_query_runs_a_fixed_number_of_queries(personal, channel, size, django_assert_max_num_queries):
    folders = build_tree(channel, 5)
    for index in range(size):
        event = EventFactory(channel=channel, folder=folders[index % 5], time=10_000 + index)
        AttachmentFactory(event=event)

    with django_assert_max_num_queries(EVENTS_QUERIES):
        response = personal.get("/work/events?fromTime=0&toTime=99999999999&onlyFolders=f0&state=all&tags=x")
    with django_assert_max_num_queries(EVENTS_QUERIES):
        everything = personal.get("/work/events?fromTime=0&toTime=99999999999&sortAscending=true")

    assert response.status_code == everything.status_code == 200
    assert len(everything.json()) == size + 5


def test_running_and_folder_scoped_token_queries_do_not_grow(channel, owner, make_token, api):
    folders = build_tree(channel, 20)
    client = api(make_token(owner, [("work", "f0", "read")]))
    small, _ = count_queries(client, "/work/events?limit=1000")
    for index in range(100):
        EventFactory(channel=channel, folder=folders[index % 20], time=50_000 + index, is_period=True)

    large, body = count_queries(client, "/work/events?limit=1000")
    running_small, _ = count_queries(client, "/work/events/running")

    assert small == large == EVENTS_QUERIES
    assert running_small == EVENTS_QUERIES
    assert {event["folderId"] for event in body} <= {f"f{i}" for i in range(20)}


# Issue 8: each hot read runs at most 3 SQL queries, authentication included, whatever the page or tree size.
HOT_READ_QUERIES = 3


@pytest.mark.parametrize("size", [0, 1, 25, 120])
def test_folder_tree_is_at_most_3_queries_at_any_tree_size(personal, channel, size, django_assert_max_num_queries):
    build_tree(channel, size)

    with django_assert_max_num_queries(HOT_READ_QUERIES):
        response = personal.get("/work/folders?timeCountBase=0")
    with django_assert_max_num_queries(HOT_READ_QUERIES):
        everything = personal.get("/work/folders?timeCountBase=50&includeHidden=true&state=all")

    assert response.status_code == everything.status_code == 200
    assert len(response.json()) == min(size, 3)


@pytest.mark.parametrize("size", [0, 1, 20, 200])
def test_events_are_at_most_3_queries_at_any_page_size(personal, channel, size, django_assert_max_num_queries):
    folders = build_tree(channel, 4)
    for index in range(size):
        event = EventFactory(channel=channel, folder=folders[index % 4], time=10_000 + index)
        if index % 3 == 0:
            AttachmentFactory(event=event)
            AttachmentFactory(event=event)

    for url in (
        "/work/events?fromTime=0&toTime=99999999999&onlyFolders[]=f0",
        f"/work/events?limit={max(size, 1)}&skip=0",
        "/work/events?fromTime=0&toTime=99999999999&state=trashed&sortAscending=true&tags=x&modifiedSince=0",
        "/work/events/running",
    ):
        with django_assert_max_num_queries(HOT_READ_QUERIES):
            response = personal.get(url)
        assert response.status_code == 200, (url, response.content)
    with django_assert_max_num_queries(HOT_READ_QUERIES):
        page = personal.get("/work/events?fromTime=0&toTime=99999999999")
    assert len(page.json()) == size + 4


@pytest.mark.parametrize("size", [1, 60])
def test_a_folder_scoped_shared_token_reads_in_at_most_3_queries(
    channel, owner, make_token, api, size, django_assert_max_num_queries
):
    folders = build_tree(channel, 12)
    client = api(make_token(owner, [("other", "read"), ("work", "f1", "read"), ("work", "f2", "contribute")]))
    for index in range(size):
        EventFactory(channel=channel, folder=folders[index % 12], time=20_000 + index)

    with django_assert_max_num_queries(HOT_READ_QUERIES):
        events = client.get("/work/events?fromTime=0&toTime=99999999999")
    with django_assert_max_num_queries(HOT_READ_QUERIES):
        tree = client.get("/work/folders?timeCountBase=0")

    assert events.status_code == tree.status_code == 200
    assert {event["folderId"] for event in events.json()} <= {f"f{i}" for i in range(1, 12)}
    assert {folder["id"] for folder in tree.json()} == {"f1", "f2"}


def test_time_counts_add_each_folder_period_time_to_all_its_ancestors(personal, channel, owner):
    folders = build_tree(channel, 13)  # each folder has one period [100 + 10i, 105 + 10i)
    EventFactory(channel=channel, folder=folders[12], time=90, duration=8.25, end_time=98.25, is_period=True)
    EventFactory(channel=channel, folder=folders[4], time=1000, is_period=True)  # running until now
    EventFactory(channel=channel, folder=folders[4], time=5000, duration=10, end_time=5010, is_period=True)  # future
    EventFactory(channel=channel, folder=folders[7], time=150, duration=1, end_time=151, is_period=True, trashed=True)
    EventFactory(channel=channel, folder=None, time=150, duration=1, end_time=151, is_period=True)
    scope = channel_scope(access=Access.owner(owner), channel_id="work")

    counts = folder_time_counts(scope=scope, base=97.5, now=2000.0)

    own = dict.fromkeys(scope.nodes, 0.0)
    for index, folder in enumerate(folders):
        own[folder.pk] += 5.0 if 100 + 10 * index >= 97.5 else 0.0
    own[folders[12].pk] += 0.75
    own[folders[4].pk] += 1000.0
    expected = {pk: sum(own[node.pk] for node in scope.subtree(pk)) for pk in scope.nodes}
    assert {pk: counts.get(pk, 0.0) for pk in scope.nodes} == expected


def test_folders_listed_under_an_unlisted_parent_are_sorted_among_its_siblings(channel, owner, make_token, api):
    top = FolderFactory(channel=channel, ident="top", name="M top")
    FolderFactory(channel=channel, parent=top, ident="a", name="A")
    hidden = FolderFactory(channel=channel, parent=top, ident="h", name="H", hidden=True)
    FolderFactory(channel=channel, parent=top, ident="z", name="Q")
    FolderFactory(channel=channel, parent=hidden, ident="b", name="B")
    FolderFactory(channel=channel, parent=hidden, ident="y", name="Y")
    client = api(make_token(owner, [("work", "top", "read"), ("work", "h", "read")]))

    body = client.get("/work/folders").json()
    everything = client.get("/work/folders?includeHidden=true").json()

    assert [child["id"] for child in body[0]["children"]] == ["a", "z"]
    assert [child["id"] for child in everything[0]["children"]] == ["a", "h", "z"]
    scoped = api(make_token(owner, [("work", "a", "read"), ("work", "z", "read"), ("work", "h", "read")]))
    hoisted = scoped.get("/work/folders?includeHidden=true").json()
    assert [folder["id"] for folder in hoisted] == ["a", "h", "z"]
    assert [folder["parentId"] for folder in hoisted] == [None, None, None]
    assert [child["id"] for child in hoisted[1]["children"]] == ["b", "y"]
