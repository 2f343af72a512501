import json
import uuid

import pytest

from activities import registry
from activities.models import Activity, StreamEntry
from tests.factories import UserFactory, WopiFileFactory, WopiShareFactory
from tests.wopi.conftest import contract_json, token_for
from wopi import selectors

pytestmark = pytest.mark.django_db


def comment(activity_id=None, text="Looks good", **data):
    return {
        "Type": "comment",
        "Id": activity_id or str(uuid.uuid4()),
        "Timestamp": "2017-02-15T13:47:13.0000000Z",
        "Data": {"ContentId": "c1", "ContentAction": "created", "CommentText": text, **data},
    }


def add(wopi, wopi_file, token, activities, suffix="/activities"):
    return wopi.post(wopi_file, "ADD_ACTIVITIES", {"Activities": activities}, token=token, suffix=suffix)


def get(wopi, wopi_file, token, body, suffix="/activities"):
    return wopi.post(wopi_file, "GET_ACTIVITIES", body, token=token, suffix=suffix)


def test_the_add_activities_sample_round_trips(wopi, wopi_file, owner_token):
    request = contract_json("AddActivitiesRequest.json")
    expected = contract_json("AddActivitiesResponse.json")

    response = wopi.post(wopi_file, "ADD_ACTIVITIES", request, token=owner_token, suffix="/activities")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answers = response.json()["ActivityResponses"]
    assert [a["Id"] for a in answers] == [a["Id"] for a in request["Activities"]]
    assert sorted(answers, key=lambda a: a["Id"]) == sorted(expected["ActivityResponses"], key=lambda a: a["Id"])
    assert Activity.objects.filter(source="wopi").count() == 4


def test_the_get_activities_samples_answer_in_their_shape(wopi, wopi_file, owner_token, owner):
    add(wopi, wopi_file, owner_token, contract_json("AddActivitiesRequest.json")["Activities"])
    sample1, sample2 = contract_json("GetActivitiesResponse1.json"), contract_json("GetActivitiesResponse2.json")
    request2 = contract_json("GetActivitiesRequest2.json")

    first = get(wopi, wopi_file, owner_token, contract_json("GetActivitiesRequest1.json"))
    second = get(wopi, wopi_file, owner_token, request2 | {"SkipToken": first.json()["SkipToken"]})

    assert first.status_code == second.status_code == 200
    page1, page2 = first.json(), second.json()
    assert set(page1) == set(sample1) | {"MoreResultsExist"}
    assert (page1["ItemsExceedTop"], page1["MoreResultsExist"]) == (True, True)
    assert [a["Id"] for a in page1["Activities"]] == ["9000431a-77fe-43bc-a881-5531928aae63"]
    assert [a["Id"] for a in page2["Activities"]] == [
        "d9e36d38-e439-41df-973c-50fe7e5f6213",
        "1a3efa0b-8700-493e-b2a3-c5da5c8c7d5e",
    ]
    assert (page2["ItemsExceedTop"], page2["MoreResultsExist"]) == (False, False)
    assert "SkipToken" not in page2
    reply = page2["Activities"][0]
    sample_reply = sample1["Activities"][0]
    assert set(reply) == set(sample_reply)
    assert reply["Data"] == sample_reply["Data"]
    assert reply["People"][:2] == sample_reply["People"][:2]
    assert reply["People"][2] == {"Name": "Ann", "Id": str(owner.pk), "Provider": "wopi-ActivityHub", "Creator": True}
    assert set(page2["Activities"][1]) == set(sample2["Activities"][0])
    assert page2["Activities"][1]["People"] == [
        {"Name": "Ann", "Id": str(owner.pk), "Provider": "wopi-ActivityHub", "Creator": True}
    ]


def test_the_sample_placeholder_skip_token_is_refused(wopi, wopi_file, owner_token):
    response = get(wopi, wopi_file, owner_token, contract_json("GetActivitiesRequest2.json"))

    assert response.status_code == 400
    assert response.content == b""


def test_paging_with_skip_token_reaches_the_end_newest_first(wopi, wopi_file, owner_token):
    ids = [str(uuid.uuid4()) for _ in range(7)]
    add(wopi, wopi_file, owner_token, [comment(i) for i in ids])
    seen, body, pages = [], {"Top": 3}, 0

    while True:
        page = get(wopi, wopi_file, owner_token, body).json()
        pages += 1
        seen += [a["Id"] for a in page["Activities"]]
        if not page["MoreResultsExist"]:
            assert "SkipToken" not in page
            break
        body = {"Top": 3, "SkipToken": page["SkipToken"]}

    assert pages == 3
    assert seen == list(reversed(ids))


def test_type_filter_keeps_known_types_and_ignores_unknown_names(wopi, wopi_file, owner_token):
    mention = {"Type": "mention", "Id": str(uuid.uuid4()), "Data": {"ContentId": "m"}, "People": []}
    add(wopi, wopi_file, owner_token, [comment(), mention])

    comments = get(wopi, wopi_file, owner_token, {"Top": 10, "TypeFilter": ["comment", "somethingunknown"]}).json()
    unknown_only = get(wopi, wopi_file, owner_token, {"Top": 10, "TypeFilter": ["somethingunknown"]}).json()
    everything = get(wopi, wopi_file, owner_token, {"Top": 10, "TypeFilter": []}).json()

    assert [a["Type"] for a in comments["Activities"]] == ["comment"]
    assert unknown_only["Activities"] == []
    assert [a["Type"] for a in everything["Activities"]] == ["mention", "comment"]


def test_null_or_empty_optional_fields_count_as_absent(wopi, wopi_file, owner_token):
    add(wopi, wopi_file, owner_token, [comment("00000000-0000-0000-0000-000000000001")])
    expected = get(wopi, wopi_file, owner_token, {"Top": 5}).json()

    nulls = get(wopi, wopi_file, owner_token, {"Top": 5, "SkipToken": None, "TypeFilter": None})
    empty = get(wopi, wopi_file, owner_token, {"Top": 5, "SkipToken": ""})

    assert (nulls.status_code, empty.status_code) == (200, 200)
    assert nulls.json() == empty.json() == expected
    assert [a["Id"] for a in expected["Activities"]] == ["00000000-0000-0000-0000-000000000001"]


def test_type_filter_names_of_any_length_or_number_are_ignored_not_refused(wopi, wopi_file, owner_token):
    mention = {"Type": "mention", "Id": str(uuid.uuid4()), "Data": {"ContentId": "m"}, "People": []}
    add(wopi, wopi_file, owner_token, [comment(), mention])

    response = get(wopi, wopi_file, owner_token, {"Top": 10, "TypeFilter": ["x" * 500, "", *["edit"] * 80, "comment"]})

    assert response.status_code == 200
    assert [a["Type"] for a in response.json()["Activities"]] == ["comment"]


def test_top_is_capped_by_the_hosts_maximum(wopi, wopi_file, owner_token, monkeypatch):
    monkeypatch.setattr(selectors, "GET_ACTIVITIES_MAX", 2)
    add(wopi, wopi_file, owner_token, [comment() for _ in range(3)])

    page = get(wopi, wopi_file, owner_token, {"Top": 50}).json()

    assert len(page["Activities"]) == 2
    assert page["MoreResultsExist"] is True


def test_top_zero_returns_nothing_but_says_more_exists(wopi, wopi_file, owner_token):
    add(wopi, wopi_file, owner_token, [comment()])

    empty = get(wopi, wopi_file, owner_token, {"Top": 0}).json()
    rest = get(wopi, wopi_file, owner_token, {"Top": 5, "SkipToken": empty["SkipToken"]}).json()

    assert (empty["Activities"], empty["MoreResultsExist"]) == ([], True)
    assert len(rest["Activities"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'"Top"',
        b"",
        json.dumps({}).encode(),
        json.dumps({"Top": "10"}).encode(),
        json.dumps({"Top": 1.5}).encode(),
        json.dumps({"Top": True}).encode(),
        json.dumps({"Top": 5, "TypeFilter": "comment"}).encode(),
        json.dumps({"Top": 5, "SkipToken": 7}).encode(),
        b'{"Top": 5, "SkipToken": "a\\u0000b"}',
        b"\xff\xfe",
    ],
    ids=[
        "malformed",
        "array",
        "string",
        "empty",
        "no-top",
        "top-text",
        "top-float",
        "top-bool",
        "filter-text",
        "skip-number",
        "nul",
        "bad-utf8",
    ],
)
def test_bad_get_activities_bodies_are_400(wopi, wopi_file, owner_token, body):
    response = get(wopi, wopi_file, owner_token, body)

    assert response.status_code == 400
    assert response.content == b""


def test_a_skip_token_is_tamper_proof_and_bound_to_its_file(wopi, wopi_file, owner, owner_token):
    add(wopi, wopi_file, owner_token, [comment(), comment()])
    token = get(wopi, wopi_file, owner_token, {"Top": 1}).json()["SkipToken"]
    other = WopiFileFactory(owner=owner)

    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    tampered = get(wopi, wopi_file, owner_token, {"Top": 1, "SkipToken": forged})
    foreign = get(wopi, other, token_for(owner, other), {"Top": 1, "SkipToken": token})

    assert (tampered.status_code, foreign.status_code) == (400, 400)


def test_get_activities_runs_a_fixed_number_of_queries(wopi, wopi_file, owner_token, django_assert_num_queries):
    add(wopi, wopi_file, owner_token, [comment() for _ in range(33)])

    # the token's user with the file and its share (one statement), one page: the same two whatever the size
    with django_assert_num_queries(2):
        small = get(wopi, wopi_file, owner_token, {"Top": 3}).json()
    with django_assert_num_queries(2):
        large = get(wopi, wopi_file, owner_token, {"Top": 30}).json()

    assert (len(small["Activities"]), len(large["Activities"])) == (3, 30)


def test_add_activities_answers_each_item_with_its_own_status(wopi, wopi_file, owner_token):
    items = [
        comment("00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF"),
        {"Type": "bogustype", "Id": "x1"},
        {"Type": "comment", "Id": "not-a-uuid"},
        {"Type": "comment", "Id": str(uuid.uuid4()), "Data": "text"},
        {"Type": "comment", "Id": str(uuid.uuid4()), "People": {"Id": "1"}},
        {"Type": "comment", "Id": str(uuid.uuid4()), "Data": {"ContentId": "x" * 1025}},
        {"Type": "comment", "Id": str(uuid.uuid4()), "Data": {"ContentAction": "exploded"}},
        {"Type": "comment"},
        "not an object",
        {"Type": "comment", "Id": "{00000000-0000-0000-0000-0000000000AA}"},
    ]

    response = add(wopi, wopi_file, owner_token, items)

    assert response.status_code == 200
    assert response.json() == {
        "ActivityResponses": [
            {"Id": "00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF", "Status": 0},
            {"Id": "x1", "Status": 3, "Message": "Type not understood"},
            {"Id": "not-a-uuid", "Status": 2, "Message": "Id is not a UUID."},
            {"Id": items[3]["Id"], "Status": 2, "Message": "Data is not an object."},
            {"Id": items[4]["Id"], "Status": 2, "Message": "People is not an array of objects."},
            {
                "Id": items[5]["Id"],
                "Status": 2,
                "Message": "Data.ContentId is not a string of at most 1024 characters.",
            },
            {
                "Id": items[6]["Id"],
                "Status": 2,
                "Message": "Data.ContentAction is not one of created, updated, deleted.",
            },
            {"Id": "", "Status": 2, "Message": "Each activity needs a string Id."},
            {"Id": "", "Status": 2, "Message": "Each activity needs a string Id."},
            {"Id": "{00000000-0000-0000-0000-0000000000AA}", "Status": 0},
        ]
    }
    assert Activity.objects.filter(source="wopi").count() == 2


def test_a_re_sent_id_is_stored_once_whatever_its_case(wopi, wopi_file, owner_token):
    first = add(wopi, wopi_file, owner_token, [comment("00000002-abcd-abcd-abcd-abcdefabcdef")])
    again = add(wopi, wopi_file, owner_token, [comment("00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF")])

    assert first.json()["ActivityResponses"][0]["Status"] == 0
    assert again.json()["ActivityResponses"] == [{"Id": "00000002-ABCD-ABCD-ABCD-ABCDEFABCDEF", "Status": 0}]
    assert Activity.objects.filter(source="wopi").count() == 1


def test_both_urls_serve_both_operations_and_other_overrides_are_501(wopi, wopi_file, owner_token):
    on_file = add(wopi, wopi_file, owner_token, [comment()], suffix="")
    listed = get(wopi, wopi_file, owner_token, {"Top": 5}, suffix="")
    unknown_file_url = wopi.post(wopi_file, "COBALT", b"", token=owner_token)
    unknown_activities_url = wopi.post(wopi_file, "LOCK", b"", token=owner_token, suffix="/activities")
    missing = wopi.post(wopi_file, None, b"", token=owner_token, suffix="/activities")

    assert on_file.status_code == listed.status_code == 200
    assert len(listed.json()["Activities"]) == 1
    assert (unknown_file_url.status_code, unknown_activities_url.status_code, missing.status_code) == (501, 501, 501)


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"[]", b'{"Activities": {}}', b'{"Activities": "x"}', b"{}", b'{"Activities": ["a\\u0000"]}'],
    ids=["malformed", "array", "object", "string", "missing", "nul"],
)
def test_malformed_add_activities_batches_are_400_and_store_nothing(wopi, wopi_file, owner_token, body):
    response = wopi.post(wopi_file, "ADD_ACTIVITIES", body, token=owner_token, suffix="/activities")

    assert response.status_code == 400
    assert response.content == b""
    assert not Activity.objects.exists()


def test_oversized_batches_are_413_and_store_nothing(wopi, wopi_file, owner_token, settings):
    too_many = add(wopi, wopi_file, owner_token, [comment() for _ in range(101)])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    too_big = add(wopi, wopi_file, owner_token, [comment(text="x" * 2000)])

    assert (too_many.status_code, too_big.status_code) == (413, 413)
    assert not Activity.objects.exists()


def test_odd_unicode_is_stored_and_returned_as_sent(wopi, wopi_file, owner_token):
    text = "Zo\u00eb \U0001f469\U0001f3fd\u200d\U0001f4bb \u202e\u05e9\u05dc\u05d5\u05dd\u202c e\u0301 \ufeff"
    add(wopi, wopi_file, owner_token, [comment(text=text)])

    page = get(wopi, wopi_file, owner_token, {"Top": 1}).json()

    assert page["Activities"][0]["Data"]["CommentText"] == text


def _subject_for(user, activity):
    kind = registry.type_get("wopi", activity.type)
    view = registry.ActivityView(
        activity.actor_id, activity.actor_name, activity.subject, activity.subject_params, user.pk
    )
    return kind.subject_renderer(view).text


def test_comments_and_mentions_reach_the_owner_and_the_people_named(wopi, wopi_file, owner):
    editor, reader, outsider = UserFactory(display_name="Eve"), UserFactory(), UserFactory()
    WopiShareFactory(file=wopi_file, user=editor, can_write=True)
    WopiShareFactory(file=wopi_file, user=reader)
    token = token_for(editor, wopi_file)
    people = [
        {"Name": "Reader", "Id": str(reader.pk), "Provider": "wopi-ActivityHub", "Mentioned": True},
        {"Name": "Out", "Id": str(outsider.pk), "Provider": "wopi-ActivityHub", "Mentioned": True},
        {"Name": "Live", "Id": str(owner.pk), "Provider": "Windows Live", "Mentioned": True},
    ]
    mention = {"Type": "mention", "Id": str(uuid.uuid4()), "Data": {"ContentId": "m"}, "People": people}

    add(wopi, wopi_file, token, [comment(text="Please check"), mention])

    said, mentioned = Activity.objects.order_by("id")
    assert set(StreamEntry.objects.filter(activity=said).values_list("user_id", flat=True)) == {owner.pk, editor.pk}
    assert set(StreamEntry.objects.filter(activity=mentioned).values_list("user_id", flat=True)) == {
        owner.pk,
        editor.pk,
        reader.pk,
    }
    assert _subject_for(owner, said) == "Eve commented on report.wopitest"
    assert said.message == "Please check"
    assert said.subject_params["file"] == {
        "type": "file",
        "id": str(wopi_file.pk),
        "name": "report.wopitest",
        "path": "report.wopitest",
    }
    assert _subject_for(editor, said) == "You commented on report.wopitest"
    assert _subject_for(reader, mentioned) == "Eve mentioned you in report.wopitest"
    assert _subject_for(owner, mentioned) == "Eve mentioned Reader in report.wopitest"
    assert _subject_for(editor, mentioned) == "You mentioned Reader in report.wopitest"


def test_a_reader_may_comment(wopi, wopi_file):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)

    activity_id = str(uuid.uuid4())

    response = add(wopi, wopi_file, token_for(reader, wopi_file), [comment(activity_id)])

    assert (response.status_code, response.json()) == (200, {"ActivityResponses": [{"Id": activity_id, "Status": 0}]})
    assert Activity.objects.get(source="wopi").actor == reader
