"""GetActivities reads plain rows with one hand-written query and renders with orjson: the bytes must be the
ones the model-instance path rendered by DRF's JSONRenderer gave, on SQLite and PostgreSQL alike."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from activities.models import Activity
from tests.factories import ActivityFactory, UserFactory, WopiShareFactory
from tests.wopi.conftest import token_for
from wopi.api.serializers import GetActivitiesInput, GetActivitiesQuery, get_activities_query
from wopi.selectors import PERSON_PROVIDER, WOPI_ACTIVITY_TYPES, wopi_timestamp

pytestmark = pytest.mark.django_db


def reference_activity(activity: Activity) -> dict:
    """The WOPI Activity object built from a model instance, as the host did before the fast path."""
    payload = activity.payload if isinstance(activity.payload, dict) else {}
    people = [dict(person) for person in payload.get("People", []) if isinstance(person, dict)]
    people.append(
        {
            "Name": activity.actor_name,
            "Id": "" if activity.actor_id is None else str(activity.actor_id),
            "Provider": PERSON_PROVIDER,
            "Creator": True,
        }
    )
    body = {"Type": activity.type, "Id": payload.get("Id", activity.external_id)}
    body["Timestamp"] = wopi_timestamp(activity.created)
    if "Data" in payload:
        body["Data"] = payload["Data"]
    body["People"] = people
    return body


def reference_body(wopi_file, top: int) -> bytes:
    rows = list(
        Activity.objects.filter(
            source="wopi", object_type="file", object_id=str(wopi_file.pk), type__in=WOPI_ACTIVITY_TYPES
        ).order_by("-id")[: top + 1]
    )
    more = len(rows) > top
    body = {"Activities": [reference_activity(a) for a in rows[:top]], "MoreResultsExist": more, "ItemsExceedTop": more}
    return JSONRenderer().render(body)


ODD_TEXT = (
    "line\u2028para\u2029 Zo\u00eb \U0001f469\U0001f3fd\u200d\U0001f4bb \u202e\u05e9\u05dc\u202c e\u0301 "
    '\ufeff \x7f "q" \\ \t'
)


def stored(wopi_file, owner, *, payload, type_="comment", created=None, actor="owner"):
    return ActivityFactory(
        source="wopi",
        type=type_,
        actor=owner if actor == "owner" else None,
        actor_ref="ann",
        actor_name="Ann \u2028 Ö",
        subject_params={},
        object_type="file",
        object_id=str(wopi_file.pk),
        external_id=str(uuid.uuid4()),
        payload=payload,
        created=created or datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    )


def test_the_page_is_byte_for_byte_the_model_instance_rendering(wopi, wopi_file, owner, owner_token):
    person = {"Id": "7", "Name": ODD_TEXT, "Provider": "wopi-x", "Mentioned": True, "Extra": [1, 2.5, None]}
    stored(wopi_file, owner, payload={"Type": "comment", "Id": "{ABC}", "Data": {"CommentText": ODD_TEXT}})
    stored(wopi_file, owner, payload={"Id": "x", "People": [person, "not a person", 3]}, type_="mention")
    stored(wopi_file, owner, payload={"Data": {"Big": 18446744073709551616, "Neg": -(2**63) - 1, "F": 1e16}})
    stored(wopi_file, owner, payload={"Data": {"Float": 0.1, "Exp": 1.5e-7, "Nested": {"a": [True, False]}}})
    stored(wopi_file, owner, payload=[], created=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), actor=None)
    stored(wopi_file, owner, payload={"People": {"Id": "not a list"}, "Data": "not an object"})
    stored(wopi_file, owner, payload={"Id": "edit"}, type_="edit")  # not a WOPI activity type: never listed

    for top in (2, 6, 50):
        response = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": top}, token=owner_token, suffix="/activities")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.content
        if top == 2:
            # the SkipToken is signed with a timestamp: compare it apart
            token = json.loads(body)["SkipToken"]
            body = body.replace(f',"SkipToken":"{token}"'.encode(), b"")
        assert body == reference_body(wopi_file, top)


def test_a_reader_sees_the_same_page_as_the_owner(wopi, wopi_file, owner, owner_token):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader, can_write=False)
    stored(wopi_file, owner, payload={"Data": {"CommentText": "hi"}})

    as_owner = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": 5}, token=owner_token, suffix="/activities")
    as_reader = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": 5}, token=token_for(reader, wopi_file))

    assert as_owner.status_code == as_reader.status_code == 200
    assert as_owner.content == as_reader.content == reference_body(wopi_file, 5)


@pytest.mark.parametrize("top", [3, 50])
def test_get_activities_runs_at_most_two_queries(
    wopi, wopi_file, owner, owner_token, top, django_assert_max_num_queries
):
    for _ in range(60):
        stored(wopi_file, owner, payload={"Data": {"CommentText": "x"}, "People": [{"Id": "1", "Name": "B"}]})

    # the token's user with the file and the user's share of it (one statement), then one page of activities
    with django_assert_max_num_queries(2):
        page = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": top}, token=owner_token, suffix="/activities")
    with django_assert_max_num_queries(2):
        filtered = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": top, "TypeFilter": ["comment"]}, token=owner_token)

    assert len(page.json()["Activities"]) == len(filtered.json()["Activities"]) == top


def serializer_reading(document: dict) -> GetActivitiesQuery | None:
    """What GetActivitiesInput makes of a body, in the terms of get_activities_query."""
    query = GetActivitiesInput(data=document)
    if not query.is_valid():
        return None
    data = query.validated_data
    return GetActivitiesQuery(
        top=data["Top"], skip_token=data.get("SkipToken") or None, type_filter=data.get("TypeFilter")
    )


# Text a JSON body can carry to the reader: no NUL, no lone surrogate (the JSON reader refuses both).
JSON_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | JSON_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=6,
)
SKIP_TOKENS = (
    st.none()
    | st.text(alphabet=" \t\n\u00a0\u2003ab", max_size=6)
    | st.builds(lambda n, pad: "x" * n + pad, st.integers(1995, 2005), st.sampled_from(["", " ", "\u2003 "]))
)
TYPE_FILTERS = st.none() | st.lists(st.text(alphabet=" \tcomentio\u3000", max_size=12) | JSON_VALUES, max_size=4)


@pytest.mark.parametrize(
    "document",
    [
        {"Top": 5},
        {"Top": -3, "Other": 1},
        {"Top": 2**70},
        {"Top": 5.0},
        {"Top": None},
        {},
        {"Top": 1, "SkipToken": "  x  "},
        {"Top": 1, "SkipToken": " " * 3000},
        {"Top": 1, "SkipToken": "x" * 2000 + "  "},
        {"Top": 1, "SkipToken": "x" * 2001},
        {"Top": 1, "SkipToken": ["x"]},
        {"Top": 1, "TypeFilter": " comment "},
        {"Top": 1, "TypeFilter": {"comment": 1}},
        {"Top": 1, "TypeFilter": [" comment", "", "  ", "mention\u3000"]},
        {"Top": 1, "TypeFilter": ["comment", None]},
        {"Top": 1, "TypeFilter": []},
    ],
)
def test_the_body_reader_agrees_with_the_serializer(document):
    assert get_activities_query(document) == serializer_reading(document)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "Top": st.integers() | JSON_VALUES,
            "SkipToken": SKIP_TOKENS | JSON_VALUES,
            "TypeFilter": TYPE_FILTERS,
        },
    )
)
def test_the_body_reader_agrees_with_the_serializer_on_any_body(document):
    assert get_activities_query(document) == serializer_reading(document)
