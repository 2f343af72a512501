"""Folders (contract §4.2, §6, §7.4): the tree, creation, update, move, trash and deletion for good."""

import time

import pytest

from accounts.models import TokenPermission
from activities.models import Activity
from channels.models import Event, Folder
from tests.factories import AccessTokenFactory, EventFactory, FolderFactory, TokenPermissionFactory

pytestmark = pytest.mark.django_db


def folder_json(ident, name, parent=None, children=(), **extra):
    body = {
        "id": ident,
        "channelId": "work",
        "name": name,
        "parentId": parent,
        "hidden": extra.pop("hidden", False),
        "clientData": extra.pop("clientData", {}),
        "trashed": extra.pop("trashed", False),
        "children": list(children),
    }
    body.update(extra)
    return body


@pytest.fixture
def tree(channel):
    """work: Projects (Hub (Deep), Zeta), Admin (hidden), Trash (trashed (Inside))."""
    projects = FolderFactory(channel=channel, ident="projects", name="Projects")
    hub = FolderFactory(channel=channel, ident="hub", name="Hub", parent=projects)
    FolderFactory(channel=channel, ident="deep", name="Deep", parent=hub)
    FolderFactory(channel=channel, ident="zeta", name="Zeta", parent=projects)
    FolderFactory(channel=channel, ident="admin", name="Admin", hidden=True)
    old = FolderFactory(channel=channel, ident="old", name="Old", trashed=True)
    FolderFactory(channel=channel, ident="inside", name="Inside", parent=old)
    return channel


def test_tree_is_sorted_by_name_and_leaves_out_hidden_and_trashed_folders(personal, tree):
    response = personal.get("/work/folders")

    assert response.status_code == 200
    assert response.json() == [
        folder_json(
            "projects",
            "Projects",
            children=[
                folder_json("hub", "Hub", "projects", [folder_json("deep", "Deep", "hub")]),
                folder_json("zeta", "Zeta", "projects"),
            ],
        )
    ]
    assert "Server-Time" in response


def test_include_hidden_adds_hidden_folders(personal, tree):
    response = personal.get("/work/folders?includeHidden=true")

    assert [f["id"] for f in response.json()] == ["admin", "projects"]
    assert response.json()[0] == folder_json("admin", "Admin", hidden=True)


def test_state_trashed_lists_the_top_most_trashed_folders_with_their_subtree(personal, tree):
    response = personal.get("/work/folders?state=trashed")

    assert response.status_code == 200
    assert response.json() == [
        folder_json("old", "Old", trashed=True, children=[folder_json("inside", "Inside", "old")])
    ]


def test_state_all_lists_everything_not_hidden(personal, tree):
    response = personal.get("/work/folders?state=all")

    assert response.status_code == 200
    assert response.json() == [
        folder_json("old", "Old", trashed=True, children=[folder_json("inside", "Inside", "old")]),
        folder_json(
            "projects",
            "Projects",
            children=[
                folder_json("hub", "Hub", "projects", [folder_json("deep", "Deep", "hub")]),
                folder_json("zeta", "Zeta", "projects"),
            ],
        ),
    ]


def test_subtree_of_a_folder_in_the_path(personal, tree):
    response = personal.get("/work/folders/projects")

    assert response.status_code == 200
    assert response.json() == [
        folder_json("hub", "Hub", "projects", [folder_json("deep", "Deep", "hub")]),
        folder_json("zeta", "Zeta", "projects"),
    ]


def test_subtree_by_parent_id_query(personal, tree):
    response = personal.get("/work/folders?parentId=hub")

    assert response.json() == [folder_json("deep", "Deep", "hub")]


def test_unknown_folder_in_path_is_404_and_in_query_is_400(personal, tree):
    in_path = personal.get("/work/folders/nope")
    in_query = personal.get("/work/folders?parentId=nope")

    assert in_path.status_code == 404
    assert in_path.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}
    assert in_query.status_code == 400
    assert in_query.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}


def test_time_count_sums_periods_of_each_folder_and_its_descendants_from_the_base(personal, tree):
    now = time.time()
    hub, deep = Folder.objects.get(ident="hub"), Folder.objects.get(ident="deep")
    EventFactory(channel=tree, folder=deep, time=1000, duration=100, end_time=1100, is_period=True)
    EventFactory(channel=tree, folder=hub, time=1150, duration=100, end_time=1250, is_period=True)
    EventFactory(channel=tree, folder=hub, time=900, duration=50, end_time=950, is_period=True)  # before base
    EventFactory(channel=tree, folder=hub, time=1300, duration=10, end_time=1310, is_period=True, trashed=True)
    EventFactory(channel=tree, folder=hub, time=1400)  # a mark
    EventFactory(channel=tree, folder=deep, time=now - 60, duration=None, is_period=True)  # running

    response = personal.get("/work/folders?timeCountBase=1050")

    assert response.status_code == 200
    assert response.json() == [
        folder_json(
            "projects",
            "Projects",
            children=[
                folder_json(
                    "hub",
                    "Hub",
                    "projects",
                    [folder_json("deep", "Deep", "hub", timeCount=pytest.approx(50 + 60, abs=2))],
                    timeCount=pytest.approx(50 + 60 + 100, abs=2),
                ),
                folder_json("zeta", "Zeta", "projects", timeCount=0),
            ],
            timeCount=pytest.approx(210, abs=2),
        )
    ]


def test_time_count_base_in_the_future_gives_zero(personal, tree):
    EventFactory(channel=tree, folder=Folder.objects.get(ident="hub"), time=10, duration=5, end_time=15, is_period=True)

    response = personal.get(f"/work/folders?timeCountBase={time.time() + 3600}")

    assert response.json()[0]["timeCount"] == 0
    assert "timeCount" not in personal.get("/work/folders").json()[0]


def test_bad_tree_parameters_are_400(personal, tree):
    response = personal.get("/work/folders?state=sideways&timeCountBase=soon")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [
            {"param": "state", "message": '"sideways" is not a valid choice.'},
            {"param": "timeCountBase", "message": "A valid number is required."},
        ],
    }


def test_create_at_root_with_chosen_id_and_fields(personal, channel):
    response = personal.post(
        "/work/folders",
        {"id": "mine", "name": "Mine", "hidden": True, "clientData": {"app:x": 1}, "children": [{"id": "ignored"}]},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {"id": "mine"}
    folder = Folder.objects.get(ident="mine")
    assert (folder.parent, folder.hidden, folder.client_data, folder.channel) == (None, True, {"app:x": 1}, channel)


def test_create_under_a_parent_given_in_the_path_which_wins_over_the_body(personal, tree):
    response = personal.post("/work/folders/hub", {"name": "New", "parentId": "zeta"}, format="json")

    assert response.status_code == 201
    assert Folder.objects.get(ident=response.json()["id"]).parent.ident == "hub"


def test_create_with_a_generated_id(personal, channel):
    response = personal.post("/work/folders", {"name": "Generated"}, format="json")

    ident = response.json()["id"]
    assert len(ident) == 24
    assert ident.isalnum()


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        (
            "/work/folders",
            {"name": "Projects"},
            400,
            {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A sibling folder named 'Projects' already exists."},
        ),
        (
            "/work/folders",
            {"name": "Old"},
            400,
            {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A sibling folder named 'Old' already exists."},
        ),
        (
            "/work/folders/projects",
            {"name": "Hub"},
            400,
            {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A sibling folder named 'Hub' already exists."},
        ),
        (
            "/work/folders",
            {"name": "X", "parentId": "nope"},
            400,
            {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."},
        ),
        ("/work/folders/nope", {"name": "X"}, 404, {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}),
        (
            "/work/folders",
            {"name": "X", "id": "hub"},
            400,
            {"id": "ITEM_ID_ALREADY_EXISTS", "message": "A folder with id 'hub' already exists."},
        ),
        (
            "/work/folders",
            {"name": "X", "id": "bad id"},
            400,
            {"id": "INVALID_ITEM_ID", "message": "'bad id' is not a valid id or is reserved."},
        ),
        (
            "/work/folders",
            {"name": "X", "id": "null"},
            400,
            {"id": "INVALID_ITEM_ID", "message": "'null' is not a valid id or is reserved."},
        ),
        (
            "/work/folders/old",
            {"name": "X"},
            400,
            {"id": "INVALID_OPERATION", "message": "The folder is in the trash.", "data": {"trashed": "folder"}},
        ),
        (
            "/work/folders/inside",
            {"name": "X"},
            400,
            {"id": "INVALID_OPERATION", "message": "The folder is in the trash.", "data": {"trashed": "folder"}},
        ),
    ],
)
def test_create_errors(personal, tree, path, body, status, error):
    count = Folder.objects.count()

    response = personal.post(path, body, format="json")

    assert response.status_code == status
    assert response.json() == error
    assert Folder.objects.count() == count


def test_create_in_a_trashed_channel_is_refused(personal, channel):
    channel.trashed = True
    channel.save()

    response = personal.post("/work/folders", {"name": "X"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_OPERATION",
        "message": "The channel is in the trash.",
        "data": {"trashed": "channel"},
    }


def test_create_requires_a_name(personal, channel):
    response = personal.post("/work/folders", {"hidden": True}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "id": "INVALID_PARAMETERS_FORMAT",
        "message": "The parameters' format is invalid.",
        "data": [{"param": "name", "message": "This field is required."}],
    }


def test_update_changes_given_fields_and_merges_client_data(personal, tree):
    Folder.objects.filter(ident="hub").update(client_data={"keep": 1, "drop": 2})

    response = personal.put(
        "/work/folders/hub",
        {"name": "Hub 2", "hidden": True, "clientData": {"drop": None, "add": 3}, "children": [], "timeCount": 5},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {}
    hub = Folder.objects.get(ident="hub")
    assert (hub.name, hub.hidden, hub.client_data, hub.parent.ident) == (
        "Hub 2",
        True,
        {"keep": 1, "add": 3},
        "projects",
    )


def test_update_parent_moves_and_records_an_activity(personal, tree, owner):
    response = personal.put("/work/folders/hub", {"parentId": None}, format="json")

    assert response.status_code == 200
    assert Folder.objects.get(ident="hub").parent is None
    activity = Activity.objects.get(type="folder_moved")
    assert (activity.source, activity.object_id, activity.actor) == ("channels", "hub", owner)
    assert activity.subject_params["place"] == {"type": "channel", "id": "work", "name": "Work"}


def test_move_endpoint_moves_under_a_parent(personal, tree):
    response = personal.post("/work/folders/zeta/move", {"parentId": "hub"}, format="json")

    assert response.status_code == 200
    assert response.json() == {}
    assert Folder.objects.get(ident="zeta").parent.ident == "hub"


@pytest.mark.parametrize(
    ("folder", "body", "error"),
    [
        (
            "projects",
            {"parentId": "deep"},
            {
                "id": "INVALID_OPERATION",
                "message": "A folder cannot move under itself or a descendant.",
                "data": {"reason": "cycle"},
            },
        ),
        (
            "projects",
            {"parentId": "projects"},
            {
                "id": "INVALID_OPERATION",
                "message": "A folder cannot move under itself or a descendant.",
                "data": {"reason": "cycle"},
            },
        ),
        (
            "zeta",
            {"parentId": "old"},
            {"id": "INVALID_OPERATION", "message": "The target folder is in the trash.", "data": {"trashed": "folder"}},
        ),
        ("zeta", {"parentId": "nope"}, {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}),
        (
            "deep",
            {"parentId": "projects", "name": "Hub"},
            {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A sibling folder named 'Hub' already exists."},
        ),
        (
            "zeta",
            {"name": "Hub"},
            {"id": "ITEM_NAME_ALREADY_EXISTS", "message": "A sibling folder named 'Hub' already exists."},
        ),
    ],
)
def test_update_errors_change_nothing(personal, tree, folder, body, error):
    before = list(Folder.objects.order_by("pk").values_list("name", "parent_id"))

    response = personal.put(f"/work/folders/{folder}", body, format="json")

    assert response.status_code == 400
    assert response.json() == error
    assert list(Folder.objects.order_by("pk").values_list("name", "parent_id")) == before


def test_update_of_an_unknown_folder_is_404(personal, tree):
    response = personal.put("/work/folders/nope", {"name": "X"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'nope'."}


def test_delete_trashes_first_and_can_be_restored(personal, tree, owner):
    response = personal.delete("/work/folders/hub")

    assert response.status_code == 200
    assert response.json() == {}
    assert Folder.objects.get(ident="hub").trashed is True
    assert Activity.objects.get(type="folder_trashed").object_id == "hub"

    personal.put("/work/folders/hub", {"trashed": False}, format="json")

    assert Folder.objects.get(ident="hub").trashed is False


def test_a_folder_in_the_trash_only_through_its_parent_is_flagged_first(personal, tree):
    response = personal.delete("/work/folders/inside")

    assert response.status_code == 200
    assert Folder.objects.get(ident="inside").trashed is True


def test_delete_for_good_without_linked_events_removes_the_subtree(personal, tree):
    Folder.objects.filter(ident="hub").update(trashed=True)

    response = personal.delete("/work/folders/hub")

    assert response.status_code == 200
    assert not Folder.objects.filter(ident__in=["hub", "deep"]).exists()
    assert Activity.objects.get(type="folder_deleted").object_id == "hub"


def test_delete_for_good_with_linked_events_needs_merge_events_with_parent(personal, tree):
    Folder.objects.filter(ident="hub").update(trashed=True)
    EventFactory(channel=tree, folder=Folder.objects.get(ident="deep"), trashed=True)

    response = personal.delete("/work/folders/hub")

    assert response.status_code == 400
    assert response.json() == {
        "id": "MISSING_PARAMETER",
        "message": "Events are linked to the folder: say what to do with them with 'mergeEventsWithParent'.",
    }
    assert Folder.objects.filter(ident="hub").exists()


def test_merge_events_with_parent_true_moves_linked_events_to_the_parent(personal, tree):
    Folder.objects.filter(ident="hub").update(trashed=True)
    event = EventFactory(channel=tree, folder=Folder.objects.get(ident="deep"), time=123.0)

    response = personal.delete("/work/folders/hub?mergeEventsWithParent=true")

    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.folder.ident, event.time) == ("projects", 123.0)


def test_merge_events_with_parent_at_the_root_leaves_events_without_folder(personal, tree):
    Folder.objects.filter(ident="projects").update(trashed=True)
    event = EventFactory(channel=tree, folder=Folder.objects.get(ident="hub"))

    personal.delete("/work/folders/projects?mergeEventsWithParent=true")

    event.refresh_from_db()
    assert event.folder is None


def test_merge_events_with_parent_false_deletes_linked_events(personal, tree):
    Folder.objects.filter(ident="hub").update(trashed=True)
    EventFactory(channel=tree, folder=Folder.objects.get(ident="deep"))
    kept = EventFactory(channel=tree, folder=Folder.objects.get(ident="zeta"))

    response = personal.delete("/work/folders/hub?mergeEventsWithParent=false")

    assert response.status_code == 200
    assert list(Event.objects.all()) == [kept]


def test_deleting_folders_for_good_drops_token_permissions_naming_them(personal, tree, owner):
    token = AccessTokenFactory(user=owner)
    TokenPermissionFactory(token=token, channel_ref="work", folder_scoped=True, folder_ref="deep", level="read")
    TokenPermissionFactory(token=token, channel_ref="work", folder_scoped=True, folder_ref="zeta", level="read")
    Folder.objects.filter(ident="hub").update(trashed=True)

    personal.delete("/work/folders/hub")

    assert list(TokenPermission.objects.filter(token=token).values_list("folder_ref", flat=True)) == ["zeta"]


def test_folder_grants_are_inherited_and_an_unreadable_parent_shows_as_root(tree, owner, make_token, api):
    client = api(make_token(owner, [("work", "hub", "read")]))

    response = client.get("/work/folders")

    assert response.json() == [folder_json("hub", "Hub", None, [folder_json("deep", "Deep", "hub")])]


def test_a_folder_outside_the_grants_is_unknown_and_a_read_grant_cannot_change(tree, owner, make_token, api):
    client = api(make_token(owner, [("work", "hub", "read")]))

    outside = client.put("/work/folders/zeta", {"name": "X"}, format="json")
    inside = client.put("/work/folders/deep", {"name": "X"}, format="json")

    assert outside.status_code == 404
    assert outside.json() == {"id": "UNKNOWN_FOLDER", "message": "Unknown folder 'zeta'."}
    assert inside.status_code == 403
    assert inside.json() == {
        "id": "FORBIDDEN",
        "message": "The access token does not grant permission for this operation.",
    }
    assert Folder.objects.get(ident="deep").name != "X"


def test_manage_on_a_folder_allows_children_but_not_root_folders_or_moves_out(tree, owner, make_token, api):
    client = api(make_token(owner, [("work", "hub", "manage")]))

    child = client.post("/work/folders/deep", {"name": "Child"}, format="json")
    root = client.post("/work/folders", {"name": "Root"}, format="json")
    move_out = client.put("/work/folders/deep", {"parentId": None}, format="json")

    assert child.status_code == 201
    assert root.status_code == 403
    assert root.json() == {
        "id": "FORBIDDEN",
        "message": "The access token does not grant permission for this operation.",
    }
    assert move_out.status_code == 403
    assert move_out.json() == {
        "id": "FORBIDDEN",
        "message": "The access token does not grant permission for this operation.",
    }


def test_a_root_folder_grant_covers_the_whole_channel(tree, owner, make_token, api):
    client = api(make_token(owner, [("work", None, "manage")]))

    response = client.post("/work/folders", {"name": "Root"}, format="json")

    assert response.status_code == 201


def test_a_trashed_folder_under_a_live_parent_keeps_its_parent_id_in_the_trash_view(personal, tree):
    Folder.objects.filter(ident="deep").update(trashed=True)

    response = personal.get("/work/folders?state=trashed")

    assert [(f["id"], f["parentId"]) for f in response.json()] == [("deep", "hub"), ("old", None)]


def test_trashed_view_under_a_trashed_folder_lists_its_whole_subtree(personal, tree):
    FolderFactory(channel=tree, ident="inner", name="Inner", parent=Folder.objects.get(ident="inside"))

    response = personal.get("/work/folders/old?state=trashed")

    assert response.json() == [folder_json("inside", "Inside", "old", [folder_json("inner", "Inner", "inside")])]


@pytest.mark.parametrize("name", ["tab\there", "bell\x07", "line\nbreak"])
def test_names_with_control_characters_are_refused(personal, channel, name):
    create = personal.post("/work/folders", {"name": name}, format="json")
    FolderFactory(channel=channel, ident="f", name="F")
    update = personal.put("/work/folders/f", {"name": name}, format="json")

    for response in (create, update):
        assert response.status_code == 400
        assert response.json() == {
            "id": "INVALID_PARAMETERS_FORMAT",
            "message": "The parameters' format is invalid.",
            "data": [{"param": "name", "message": "Control characters are not allowed."}],
        }
    assert list(Folder.objects.values_list("name", flat=True)) == ["F"]


def test_names_keep_emoji_and_other_scripts(personal, channel):
    response = personal.post("/work/folders", {"name": "Équipe 👩‍👩‍👧 日本"}, format="json")

    assert response.status_code == 201
    assert Folder.objects.get().name == "Équipe 👩‍👩‍👧 日本"
