"""The OCS stream endpoint through the HTTP client with real Basic credentials (contract §2 to §8)."""

from datetime import UTC, datetime

import pytest

from activities import registry
from activities.models import Activity, ActivityObject, StreamEntry
from tests.activities.conftest import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

V1 = "/ocs/v1.php/apps/activity/api/v2/activity"
V2 = "/ocs/v2.php/apps/activity/api/v2/activity"
WHEN = datetime(2021, 4, 29, 13, 57, 11, tzinfo=UTC)


@pytest.fixture
def test_source(monkeypatch):
    source = registry.ActivitySource(id="test", name="Tests", icon="https://cdn.example.edu/test.svg", priority=45)
    monkeypatch.setitem(registry._sources, "test", source)
    return source


def _comment(actor, reader):
    return record(
        actor,
        users=[reader],
        text="commented on {file}",
        subject_params={},
        object_type="files",
        object_id="doc-1",
        object_name="/Reports/report.docx",
        link="/wopi/files/doc-1",
        message="Looks </good>",
        created=WHEN,
    )


def _comment_activity(actor, reader):
    from activities.services import activity_record

    return activity_record(
        source="test",
        type="commented",
        actor=actor,
        subject="{actor} commented on {file}",
        subject_params={
            "actor": {"type": "user", "id": actor.username, "name": actor.display_name},
            "file": {"type": "file", "id": 42, "name": "report.docx", "path": "/Reports/report.docx"},
        },
        message="Looks </good>",
        object_type="files",
        object_id="doc-1",
        object_name="/Reports/report.docx",
        link="/wopi/files/doc-1",
        users=[reader],
        created=WHEN,
    )


def _element(activity, reader_view=True):
    object_id = activity.object_ref_id
    return {
        "activity_id": activity.pk,
        "app": "test",
        "type": "commented",
        "user": "bob",
        "subject": "Bob Roy commented on report.docx",
        "subject_rich": [
            "{actor} commented on {file}",
            {
                "actor": {"type": "user", "id": "bob", "name": "Bob Roy"},
                "file": {"type": "file", "id": "42", "name": "report.docx", "path": "/Reports/report.docx"},
            },
        ],
        "message": "Looks </good>",
        "message_rich": ["Looks </good>", []],
        "object_type": "files",
        "object_id": object_id,
        "object_name": "/Reports/report.docx",
        "objects": {str(object_id): "/Reports/report.docx"},
        "link": "http://testserver/wopi/files/doc-1",
        "icon": "https://cdn.example.edu/test.svg",
        "datetime": "2021-04-29T13:57:11+00:00",
    }


def test_v2_json_reply_is_the_whole_ocs_envelope_with_php_escaping(ocs, reader, actor, test_source):
    activity = _comment_activity(actor, reader)

    response = ocs(reader).get(V2, {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "ocs": {"meta": {"status": "ok", "statuscode": 200, "message": "OK"}, "data": [_element(activity)]}
    }
    assert b'"link":"http:\\/\\/testserver\\/wopi\\/files\\/doc-1"' in response.content
    assert b'"message":"Looks \\u003C\\/good\\u003E"' in response.content
    assert response["X-Activity-First-Known"] == str(activity.pk)
    assert response["X-Activity-Last-Given"] == str(activity.pk)
    assert "Link" not in response
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"


def test_v1_json_reply_reports_100_and_item_counts(ocs, reader, actor, test_source):
    activity = _comment_activity(actor, reader)

    response = ocs(reader).get(V1, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "ocs": {
            "meta": {"status": "ok", "statuscode": 100, "message": "OK", "totalitems": "", "itemsperpage": ""},
            "data": [_element(activity)],
        }
    }


@pytest.mark.parametrize(
    ("path", "code", "counts"),
    [(V2, "200", ""), (V1, "100", "  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n")],
)
def test_xml_is_the_default_format(ocs, reader, actor, test_source, path, code, counts):
    activity = _comment_activity(actor, reader)
    oid = activity.object_ref_id

    response = ocs(reader).get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.decode() == (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>ok</status>\n'
        f"  <statuscode>{code}</statuscode>\n  <message>OK</message>\n{counts} </meta>\n <data>\n  <element>\n"
        f"   <activity_id>{activity.pk}</activity_id>\n   <app>test</app>\n   <type>commented</type>\n"
        "   <user>bob</user>\n   <subject>Bob Roy commented on report.docx</subject>\n   <subject_rich>\n"
        "    <element>{actor} commented on {file}</element>\n    <element>\n     <actor>\n      <type>user</type>\n"
        "      <id>bob</id>\n      <name>Bob Roy</name>\n     </actor>\n     <file>\n      <type>file</type>\n"
        "      <id>42</id>\n      <name>report.docx</name>\n      <path>/Reports/report.docx</path>\n     </file>\n"
        "    </element>\n   </subject_rich>\n   <message>Looks &lt;/good&gt;</message>\n   <message_rich>\n"
        "    <element>Looks &lt;/good&gt;</element>\n    <element/>\n   </message_rich>\n"
        f"   <object_type>files</object_type>\n   <object_id>{oid}</object_id>\n"
        "   <object_name>/Reports/report.docx</object_name>\n   <objects>\n"
        "    <element>/Reports/report.docx</element>\n   </objects>\n"
        "   <link>http://testserver/wopi/files/doc-1</link>\n   <icon>https://cdn.example.edu/test.svg</icon>\n"
        "   <datetime>2021-04-29T13:57:11+00:00</datetime>\n  </element>\n </data>\n</ocs>\n"
    )


def test_previews_appear_on_every_item_only_when_asked(ocs, reader, actor, test_source):
    activity = _comment_activity(actor, reader)
    plain = record(actor, users=[reader])

    without = ocs(reader).get(V2, {"format": "json"}).json()["ocs"]["data"]
    with_previews = ocs(reader).get(V2, {"format": "json", "previews": "true"}).json()["ocs"]["data"]
    false_string = ocs(reader).get(V2, {"format": "json", "previews": "false"}).json()["ocs"]["data"]

    assert all("previews" not in item for item in without + false_string)
    assert [item["activity_id"] for item in with_previews] == [plain.pk, activity.pk]
    assert with_previews[0]["previews"] == []
    assert with_previews[1]["previews"] == [
        {
            "link": "http://testserver/wopi/files/doc-1",
            "source": "http://testserver/static/activities/img/file.svg",
            "mimeType": "application/octet-stream",
            "isMimeTypeIcon": True,
            "fileId": activity.object_ref_id,
            "view": "files",
            "filename": "report.docx",
        }
    ]


def test_a_malformed_rich_subject_is_replaced_as_upstream_does(ocs, reader, actor):
    record(actor, users=[reader], text="shared {file}")

    item = ocs(reader).get(V2, {"format": "json"}).json()["ocs"]["data"][0]

    assert item["subject"] == 'Rich subject or a parameter for "file" is malformed'
    assert item["subject_rich"] == ['Rich subject or a parameter for "file" is malformed', []]


def test_an_activity_without_object_has_id_zero_and_no_objects(ocs, reader, actor):
    record(actor, users=[reader])

    item = ocs(reader).get(V2, {"format": "json"}).json()["ocs"]["data"][0]

    assert (item["object_type"], item["object_id"], item["object_name"], item["objects"]) == ("", 0, "", [])
    assert item["icon"] == "http://testserver/static/activities/img/activity.svg"
    assert item["link"] == ""


def test_empty_stream_is_a_bare_304_on_v2(ocs, reader):
    response = ocs(reader).get(V2, {"format": "json"})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == "d751713988987e9331980363e24189ce"
    assert "X-Activity-First-Known" not in response
    assert "X-Activity-Last-Given" not in response


def test_empty_stream_is_http_200_with_statuscode_304_on_v1(ocs, reader):
    json_response = ocs(reader).get(V1, {"format": "json"})
    xml_response = ocs(reader).get(V1)

    assert json_response.status_code == 200
    assert json_response.json() == {
        "ocs": {
            "meta": {"status": "failure", "statuscode": 304, "message": "", "totalitems": "", "itemsperpage": ""},
            "data": [],
        }
    }
    assert json_response["ETag"] == "d751713988987e9331980363e24189ce"
    assert xml_response.status_code == 200
    assert xml_response.content.decode() == (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>304</statuscode>\n'
        "  <message></message>\n  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n </meta>\n"
        " <data/>\n</ocs>\n"
    )


def test_etag_is_the_md5_of_the_returned_ids_and_if_none_match_gives_304(ocs, reader, actor):
    first = record(actor, users=[reader])
    second = record(actor, users=[reader])
    import hashlib

    expected = hashlib.md5(f"[{second.pk},{first.pk}]".encode()).hexdigest()  # noqa: S324 - the contract's ETag

    response = ocs(reader).get(V2, {"format": "json"})
    matched = ocs(reader).get(V2, {"format": "json"}, HTTP_IF_NONE_MATCH=expected)
    matched_v1 = ocs(reader).get(V1, {"format": "json"}, HTTP_IF_NONE_MATCH=expected)
    quoted = ocs(reader).get(V2, {"format": "json"}, HTTP_IF_NONE_MATCH=f'"{expected}"')

    assert response["ETag"] == expected
    assert matched.status_code == 304
    assert matched.content == b""
    assert matched["ETag"] == expected
    assert matched["X-Activity-Last-Given"] == str(first.pk)
    assert matched_v1.status_code == 200
    assert matched_v1.json()["ocs"]["meta"]["statuscode"] == 304
    assert matched_v1.json()["ocs"]["data"] == []
    assert quoted.status_code == 200


def test_link_points_at_the_next_page_with_the_requests_own_script_and_path(ocs, reader, actor):
    ids = [record(actor, users=[reader]).pk for _ in range(3)]

    v1 = ocs(reader).get(V1 + "/all", {"limit": "2", "format": "json", "previews": "1", "since": "0"})
    v2 = ocs(reader).get(V2, {"limit": "2", "sort": "sideways"})

    assert v1["Link"] == (
        f"<http://testserver/ocs/v1.php/apps/activity/api/v2/activity/all?since={ids[1]}&limit=2&sort=desc"
        '&format=json>; rel="next"'
    )
    assert v1["X-Activity-Last-Given"] == str(ids[1])
    assert (
        v2["Link"]
        == f'<http://testserver/ocs/v2.php/apps/activity/api/v2/activity?since={ids[1]}&limit=2&sort=desc>; rel="next"'
    )


def test_no_link_on_the_last_page(ocs, reader, actor):
    ids = [record(actor, users=[reader]).pk for _ in range(2)]

    response = ocs(reader).get(V2, {"limit": "2", "format": "json"})

    assert "Link" not in response
    assert [a["activity_id"] for a in response.json()["ocs"]["data"]] == ids[::-1]


def test_since_pages_in_both_directions(ocs, reader, actor):
    ids = [record(actor, users=[reader]).pk for _ in range(5)]

    older = ocs(reader).get(V2, {"since": ids[3], "limit": 2, "format": "json"})
    newer = ocs(reader).get(V2, {"since": ids[1], "limit": 2, "sort": "asc", "format": "json"})
    oldest_first = ocs(reader).get(V2, {"sort": "asc", "limit": 1, "format": "json"})

    assert [a["activity_id"] for a in older.json()["ocs"]["data"]] == [ids[2], ids[1]]
    assert "X-Activity-First-Known" not in older
    assert [a["activity_id"] for a in newer.json()["ocs"]["data"]] == [ids[2], ids[3]]
    assert [a["activity_id"] for a in oldest_first.json()["ocs"]["data"]] == [ids[0]]
    assert oldest_first["X-Activity-First-Known"] == str(ids[0])


def test_an_unknown_since_is_treated_as_none_with_the_first_known_header(ocs, reader, actor):
    ids = [record(actor, users=[reader]).pk for _ in range(2)]

    response = ocs(reader).get(V2, {"since": ids[-1] + 1000, "format": "json"})
    text = ocs(reader).get(V2, {"since": "abc", "format": "json"})

    assert [a["activity_id"] for a in response.json()["ocs"]["data"]] == ids[::-1]
    assert response["X-Activity-First-Known"] == str(ids[-1])
    assert text["X-Activity-First-Known"] == str(ids[-1])


@pytest.mark.parametrize(("path", "http_status"), [(V2, 403), (V1, 200)])
def test_another_users_since_is_forbidden_and_leaks_nothing(ocs, reader, actor, path, http_status):
    other = UserFactory()
    record(actor, users=[reader])
    foreign = record(actor, users=[other])

    response = ocs(reader).get(path, {"since": foreign.pk, "format": "json"})

    assert response.status_code == http_status
    meta = {"status": "failure", "statuscode": 403, "message": ""}
    if path == V1:
        meta |= {"totalitems": "", "itemsperpage": ""}
    assert response.json() == {"ocs": {"meta": meta, "data": []}}
    assert "X-Activity-Last-Given" not in response


@pytest.mark.parametrize(("path", "http_status"), [(V2, 404), (V1, 200)])
def test_an_unknown_filter_is_404(ocs, reader, path, http_status):
    response = ocs(reader).get(path + "/nope", {"format": "json"})
    xml = ocs(reader).get(path + "/%F0%9F%98%80")

    counts = {"totalitems": "", "itemsperpage": ""} if path == V1 else {}
    assert response.status_code == http_status
    assert response.json() == {
        "ocs": {"meta": {"status": "failure", "statuscode": 404, "message": "", **counts}, "data": []}
    }
    assert xml.status_code == http_status
    xml_counts = "  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n" if counts else ""
    assert xml.content.decode() == (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>404</statuscode>\n'
        f"  <message></message>\n{xml_counts} </meta>\n <data/>\n</ocs>\n"
    )


def test_the_unknown_filter_is_checked_before_the_since(ocs, reader, actor):
    foreign = record(actor, users=[UserFactory()])

    response = ocs(reader).get(V2 + "/nope", {"since": foreign.pk, "format": "json"})

    assert response.status_code == 404
    assert response.json() == {"ocs": {"meta": {"status": "failure", "statuscode": 404, "message": ""}, "data": []}}


def test_limit_is_capped_at_200_and_echoed_as_requested(ocs, reader, actor):
    records = [Activity(source="test", type="did", created=WHEN, actor=actor, actor_ref="bob") for _ in range(205)]
    activities = Activity.objects.bulk_create(records)
    StreamEntry.objects.bulk_create([StreamEntry(user=reader, activity=a, source="test") for a in activities])

    response = ocs(reader).get(V2, {"limit": 500, "format": "json"})

    data = response.json()["ocs"]["data"]
    assert len(data) == 200
    assert response["Link"].startswith(f"<http://testserver{V2}?since={data[-1]['activity_id']}&limit=500&sort=desc")


@pytest.mark.parametrize("limit", ["0", "-3", "abc"])
def test_a_zero_or_unreadable_limit_gives_no_items(ocs, reader, actor, limit):
    activity = record(actor, users=[reader])

    response = ocs(reader).get(V2, {"limit": limit, "format": "json"})

    assert response.status_code == 304
    assert response.content == b""
    assert response["X-Activity-First-Known"] == str(activity.pk)
    assert "X-Activity-Last-Given" not in response
    assert "Link" not in response


def test_filters_self_by_and_source(ocs, reader, actor, test_source):
    mine = record(reader, users=[])
    theirs = record(actor, users=[reader])
    other_source = record(actor, users=[reader], source="elsewhere")
    authorless = record(actor, users=[reader], include_actor=False)
    Activity.objects.filter(pk=authorless.pk).update(actor=None, actor_ref="")
    StreamEntry.objects.filter(activity=authorless).update(by_self=False)

    def ids(filter_id):
        response = ocs(reader).get(f"{V2}/{filter_id}", {"format": "json"})
        return [a["activity_id"] for a in response.json()["ocs"]["data"]] if response.status_code == 200 else []

    assert ids("all") == [authorless.pk, other_source.pk, theirs.pk, mine.pk]
    assert ids("self") == [mine.pk]
    assert ids("by") == [other_source.pk, theirs.pk]
    assert ids("test") == [authorless.pk, theirs.pk, mine.pk]


def test_the_object_filter_needs_both_halves(ocs, reader, actor):
    about = record(actor, users=[reader], object_type="files", object_id="doc-1")
    record(actor, users=[reader], object_type="files", object_id="doc-2")
    about_nothing = record(actor, users=[reader])
    surrogate = ActivityObject.objects.get(object_type="files", native_id="doc-1").pk

    def ids(params):
        response = ocs(reader).get(f"{V2}/filter", {"format": "json", **params})
        return [a["activity_id"] for a in response.json()["ocs"]["data"]] if response.status_code == 200 else []

    assert ids({"object_type": "files", "object_id": surrogate}) == [about.pk]
    assert ids({"object_type": "files"}) == [about_nothing.pk]
    assert ids({"object_id": surrogate}) == [about_nothing.pk]
    assert ids({"object_type": "events", "object_id": surrogate}) == []
    assert ids({"object_type": "files", "object_id": 999999}) == []


def test_the_object_is_echoed_in_link_only_when_both_halves_are_set(ocs, reader, actor):
    for _ in range(2):
        record(actor, users=[reader], object_type="files", object_id="doc-1")
    surrogate = ActivityObject.objects.get().pk

    response = ocs(reader).get(f"{V2}/filter", {"object_type": "files", "object_id": surrogate, "limit": 1})

    assert response["Link"].endswith(f'&sort=desc&object_type=files&object_id={surrogate}>; rel="next"')


def test_another_users_stream_is_never_shown(ocs, reader, actor):
    other = UserFactory()
    record(actor, users=[other])

    response = ocs(reader).get(V2, {"format": "json"})

    assert response.status_code == 304


def test_group_members_see_group_activities(ocs, reader, actor):
    from tests.factories import GroupFactory

    group = GroupFactory(name="students")
    reader.groups.add(group)
    activity = record(actor, groups=[group])

    response = ocs(reader).get(V2, {"format": "json"})

    assert [a["activity_id"] for a in response.json()["ocs"]["data"]] == [activity.pk]


def test_unsupported_format_is_a_400_not_a_500(ocs, reader):
    response = ocs(reader).get(V2, {"format": "yaml"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.decode() == (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>400</statuscode>\n'
        "  <message>Unsupported format</message>\n </meta>\n <data/>\n</ocs>\n"
    )


def test_odd_query_values_never_fail(ocs, reader, actor):
    record(actor, users=[reader])

    response = ocs(reader).get(
        V2,
        {
            "format": "json",
            "since": "9" * 40,
            "limit": "\u0663",
            "sort": "\u202e",
            "object_type": "💩",
            "object_id": "-1",
        },
    )

    assert response.status_code == 304


def test_a_nul_character_is_refused_as_invalid_input(ocs, reader, actor):
    record(actor, users=[reader], object_type="files", object_id="doc-1")

    response = ocs(reader).get(f"{V2}/filter", {"format": "json", "object_type": "fi\x00les", "object_id": "1"})

    assert response.status_code == 400
    assert response.json() == {
        "ocs": {"meta": {"status": "failure", "statuscode": 400, "message": "Invalid input."}, "data": []}
    }


def test_other_methods_are_refused_in_the_envelope(ocs, reader):
    response = ocs(reader).post(V2 + "?format=json", {"a": 1}, format="json")

    assert response.status_code == 405
    assert response.json() == {
        "ocs": {"meta": {"status": "failure", "statuscode": 405, "message": 'Method "POST" not allowed.'}, "data": []}
    }


def test_a_name_without_object_id_is_a_list_of_one_in_objects(ocs, reader, actor):
    record(actor, users=[reader], object_name="loose note")

    item = ocs(reader).get(V2, {"format": "json"}).json()["ocs"]["data"][0]

    assert (item["object_id"], item["object_name"], item["objects"]) == (0, "loose note", ["loose note"])


@pytest.mark.parametrize("sort", [" asc", "asc ", "ASC", "asc\t"])
def test_a_sort_that_is_not_exactly_asc_is_desc(ocs, reader, actor, sort):
    ids = [record(actor, users=[reader]).pk for _ in range(3)]

    response = ocs(reader).get(V2, {"sort": sort, "limit": 2, "format": "json"})

    assert [a["activity_id"] for a in response.json()["ocs"]["data"]] == [ids[2], ids[1]]
    assert response["Link"] == (f'<http://testserver{V2}?since={ids[1]}&limit=2&sort=desc&format=json>; rel="next"')
