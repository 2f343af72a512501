"""Every field rule of the contract §2: a 400 ``validation_error`` naming the field, and nothing stored."""

import copy

import pytest

from aggiefeed.models import Post
from tests.aggiefeed.conftest import make_activity

pytestmark = pytest.mark.django_db


def without(path):
    activity = make_activity()
    *parents, last = path.split(".")
    node = activity
    for key in parents:
        node = node[key]
    del node[last]
    return activity


def with_value(path, value):
    activity = make_activity()
    *parents, last = path.split(".")
    node = activity
    for key in parents:
        node = node[key]
    node[last] = copy.deepcopy(value)
    return activity


def invalid(details):
    return {
        "error": {"status": 400, "code": "validation_error", "message": "The activity is invalid.", "details": details}
    }


REQUIRED = [
    "icon",
    "actor",
    "actor.id",
    "actor.objectType",
    "actor.displayName",
    "actor.author",
    "actor.author.id",
    "actor.author.displayName",
    "verb",
    "title",
    "object",
    "object.ucdSrcId",
    "object.objectType",
    "object.content",
    "object.ucdEdusModel",
    "to",
    "ucdEdusMeta",
    "ucdEdusMeta.labels",
    "ucdEdusMeta.authzId",
]


@pytest.mark.parametrize("path", REQUIRED)
def test_a_missing_required_field_is_named(key_client, path):
    response = key_client.post("/api/v1/activity", {"activity": without(path)}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid([{"field": f"activity.{path}", "problem": "This field is required."}])
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("icon", "", "This field may not be blank."),
        ("icon", 3, "Must be a string."),
        ("actor.objectType", "group", '"group" is not a valid choice.'),
        ("actor.displayName", "   ", "This field may not be blank."),
        ("actor.author.id", ["user1"], "Must be a string."),
        ("actor.image", {"color": "red"}, None),
        ("verb", "updatepost", '"updatepost" is not a valid choice.'),
        ("title", None, "This field may not be null."),
        ("title", "x" * 1001, "Ensure this field has no more than 1000 characters."),
        ("object.ucdSrcId", 12345, "Must be a string."),
        ("object.objectType", "tweet", '"tweet" is not a valid choice.'),
        ("object.id", "a/b", "Must not contain '/' nor be 'public'."),
        ("object.id", "public", "Must not contain '/' nor be 'public'."),
        ("object.ucdEdusModel", [], "Invalid data. Expected a dictionary, but got list."),
        ("object.ucdEdusModel.eventDate", "2013-07-01T17:00:00+02:00", None),
        ("published", "2013-07-01", None),
        ("published", "2013-13-01T17:00:00.000Z", None),
        ("published", "2013-07-01T17:00:00.000Z\n", None),
        ("published", "\u0662\u0660\u0661\u0663-07-01T17:00:00.000Z", None),
        ("ucdEdusMeta.startDate", 1372698000, None),
        ("priority", True, "Must be a number."),
        ("priority", "0.0", "Must be a number."),
    ],
)
def test_a_malformed_field_is_named(key_client, path, value, problem):
    response = key_client.post("/api/v1/activity", {"activity": with_value(path, value)}, format="json")

    details = response.json()["error"]["details"]
    assert response.status_code == 400
    field = f"activity.{path}.color" if path == "actor.image" else f"activity.{path}"
    zulu = "Must be an ISO-8601 date in Zulu time, e.g. 2013-07-01T17:00:00.000Z."
    expected = problem or ("Must be # followed by 6 hex digits." if path == "actor.image" else zulu)
    assert details == [{"field": field, "problem": expected}]
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        (["some-label"], "Must include at least one of ~academic, ~student-life, ~campus-life, ~campus-messages."),
        (
            ["academic", "campus-life"],
            "Must include at least one of ~academic, ~student-life, ~campus-life, ~campus-messages.",
        ),
        (["~academic", "~faculty"], "Unknown system label '~faculty'."),
        (["~academic", "~academic"], "Must not repeat a value."),
        ([], "Must include at least one of ~academic, ~student-life, ~campus-life, ~campus-messages."),
        ("~academic", 'Expected a list of items but got type "str".'),
    ],
)
def test_labels_need_one_of_the_four_tilde_labels(key_client, labels, problem):
    response = key_client.post(
        "/api/v1/activity", {"activity": with_value("ucdEdusMeta.labels", labels)}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == invalid([{"field": "activity.ucdEdusMeta.labels", "problem": problem}])


@pytest.mark.parametrize("label", ["~academic", "~student-life", "~campus-life", "~campus-messages"])
def test_each_system_label_is_enough(key_client, label):
    response = key_client.post(
        "/api/v1/activity", {"activity": with_value("ucdEdusMeta.labels", [label])}, format="json"
    )

    assert response.status_code == 201


REPEATED_KNAME = "Must not repeat a kName (they match case-insensitively)."


@pytest.mark.parametrize(
    ("to", "field", "problem"),
    [
        ({}, "activity.to", "Must be an object with groups and/or users, or a list of {id, g, i} entries."),
        ({"groups": [], "users": []}, "activity.to", "Must address at least one group or user."),
        (
            {"groups": ["alumni"]},
            "activity.to.groups",
            "Unknown group 'alumni': use one of public, students, faculty, staff.",
        ),
        ({"groups": ["students", "students"]}, "activity.to.groups", "Must not repeat a value."),
        ({"users": ["Kim", "kim"]}, "activity.to.users", REPEATED_KNAME),
        ([{"id": "Kim"}, {"id": "kIM"}], "activity.to.users", REPEATED_KNAME),
        ({"users": [""]}, "activity.to.users.0", "This field may not be blank."),
        ({"users": [7]}, "activity.to.users.0", "Must be a string."),
        ("students", "activity.to", "Must be an object with groups and/or users, or a list of {id, g, i} entries."),
        ([{"g": True}], "activity.to.0", "Must be an object with a non-empty string id."),
        ([{"id": "x", "g": "yes"}], "activity.to.0.g", "Must be a boolean."),
    ],
)
def test_recipients_are_checked(key_client, to, field, problem):
    response = key_client.post("/api/v1/activity", {"activity": with_value("to", to)}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid([{"field": field, "problem": problem}])


def test_users_alone_are_a_valid_audience(key_client):
    response = key_client.post("/api/v1/activity", {"activity": with_value("to", {"users": ["kname1"]})}, format="json")

    assert response.status_code == 201
    assert response.json()["activity"]["to"] == {"groups": [], "users": ["kname1"]}


def test_authz_id_must_equal_the_author(key_client):
    response = key_client.post(
        "/api/v1/activity", {"activity": with_value("ucdEdusMeta.authzId", "user2")}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == invalid(
        [{"field": "activity.ucdEdusMeta.authzId", "problem": "Must equal actor.author.id."}]
    )


def test_end_date_before_start_date_is_refused(key_client):
    activity = with_value("ucdEdusMeta.endDate", "2013-06-30T17:00:00Z")

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid(
        [{"field": "activity.ucdEdusMeta.endDate", "problem": "Must not be earlier than startDate."}]
    )


def test_dates_without_milliseconds_are_accepted_and_given_back_with_them(key_client):
    activity = with_value("ucdEdusMeta.startDate", "2013-07-01T17:00:00Z")

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 201
    assert response.json()["activity"]["ucdEdusMeta"]["startDate"] == "2013-07-01T17:00:00.000Z"


def test_every_failing_field_is_listed(key_client):
    activity = make_activity(verb="like", title="")
    del activity["icon"]

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 400
    assert sorted(d["field"] for d in response.json()["error"]["details"]) == [
        "activity.icon",
        "activity.title",
        "activity.verb",
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"", 400, "validation_error"),
        (b"[]", 400, "validation_error"),
        (b'"activity"', 400, "validation_error"),
        (b"{}", 400, "validation_error"),
        (b'{"activity": []}', 400, "validation_error"),
        (b'{"activity": {"title": "\\u0000"}}', 400, "invalid_json"),
        (b'{"activity": {"title": "\\ud800"}}', 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
    ],
)
def test_bad_bodies_are_4xx_in_the_family_format(key_client, body, status, code):
    response = key_client.generic("POST", "/api/v1/activity", body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["status"] == status
    assert not Post.objects.exists()


def test_a_body_that_is_not_json_by_type_is_refused(key_client):
    response = key_client.generic("POST", "/api/v1/activity", b"activity=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.json() == {
        "error": {
            "status": 415,
            "code": "invalid_json",
            "message": 'Unsupported media type "text/plain" in request.',
            "details": [],
        }
    }


def test_an_oversize_body_is_413(key_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    activity = make_activity()
    activity["object"]["content"] = "x" * 2000

    response = key_client.post("/api/v1/activity", {"activity": activity}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Post.objects.exists()


def test_odd_unicode_is_stored_and_returned_as_sent(key_client):
    title = "Caf\u00e9 \u202e\u0301 \U0001f600 \u200b"

    response = key_client.post("/api/v1/activity", {"activity": make_activity(title=title)}, format="json")

    assert response.status_code == 201
    assert response.json()["activity"]["title"] == title
    assert Post.objects.get().title == title
