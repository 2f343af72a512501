"""GET /api/v1/activity and /api/v1/activity/public (contract §5, §6): audience, filters, paging, query counts."""

import hashlib

import pytest

from aggiefeed.services import post_approve
from tests.aggiefeed.conftest import SOURCE_IDENT, make_activity
from tests.factories import AggiefeedApiKeyFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(post_created, approver, source):
    """POST then approve an activity: ``publish("src-id", title=..., to=...)`` returns its object id."""
    source.can_send_to = ["public", "students", "faculty", "staff"]
    source.save()

    def run(src_id, *, published, meta=None, **changes):
        activity = make_activity(published=published, **changes)
        activity["object"]["ucdSrcId"] = src_id
        activity["ucdEdusMeta"].update(meta or {})
        object_id = post_created(activity)
        post_approve(user=approver, object_id=object_id)
        return object_id

    return run


def stored(src_id, **changes):
    """A published activity as the lists return it: as sent, with its derived object.id and priority 0."""
    activity = make_activity(priority=0, **changes)
    activity["object"]["ucdSrcId"] = src_id
    activity["object"]["id"] = hashlib.sha256(f"{SOURCE_IDENT}{src_id}".encode()).hexdigest()
    return activity


def titles(response):
    return [item["title"] for item in response.json()]


def test_the_public_stream_needs_no_key_and_shows_live_public_posts_newest_first(anon_client, publish, post_created):
    publish("1", published="2026-01-01T00:00:00Z", title="Old public", to={"groups": ["public"]})
    publish("2", published="2026-01-03T00:00:00Z", title="New public", to={"groups": ["public"]})
    publish("3", published="2026-01-02T00:00:00Z", title="Students only", to={"groups": ["students"]})
    queued = make_activity(title="Queued public", to={"groups": ["public"]})
    queued["object"]["ucdSrcId"] = "4"
    post_created(queued)

    response = anon_client.get("/api/v1/activity/public?s=0&l=25")

    assert response.status_code == 200
    assert response.json() == [
        stored("2", published="2026-01-03T00:00:00.000Z", title="New public", to={"groups": ["public"], "users": []}),
        stored("1", published="2026-01-01T00:00:00.000Z", title="Old public", to={"groups": ["public"], "users": []}),
    ]
    assert "Link" not in response


def test_the_public_stream_searches_title_and_content(anon_client, publish):
    publish("1", published="2026-01-01T00:00:00Z", title="Library hours", to={"groups": ["public"]})
    publish("2", published="2026-01-02T00:00:00Z", title="Parking", to={"groups": ["public"]})

    response = anon_client.get("/api/v1/activity/public?s=0&l=25&q=LIBRARY")

    assert titles(response) == ["Library hours"]


def test_items_whose_end_date_passed_are_left_out(anon_client, publish):
    publish(
        "1",
        published="2026-01-01T00:00:00Z",
        title="Over",
        to={"groups": ["public"]},
        meta={"startDate": "2000-01-01T00:00:00Z", "endDate": "2001-01-01T00:00:00Z"},
    )
    publish(
        "2",
        published="2026-01-02T00:00:00Z",
        title="Not yet started",
        to={"groups": ["public"]},
        meta={"startDate": "2098-01-01T00:00:00Z", "endDate": "2099-01-01T00:00:00Z"},
    )

    response = anon_client.get("/api/v1/activity/public?s=0&l=25")

    assert titles(response) == ["Not yet started"]


def test_a_key_without_u_sees_public_posts_only(key_client, publish):
    publish("1", published="2026-01-01T00:00:00Z", title="Public", to={"groups": ["public"]})
    publish("2", published="2026-01-02T00:00:00Z", title="Students", to={"groups": ["students"]})

    response = key_client.get("/api/v1/activity?s=0&l=10")

    assert response.status_code == 200
    assert titles(response) == ["Public"]


def test_a_staff_key_without_u_sees_every_live_post(anon_client, publish, source):
    AggiefeedApiKeyFactory(source=source, staff_scope=True, secret="staff-key-" + "s" * 24)
    anon_client.credentials(HTTP_AUTHORIZATION="ApiKey staff-key-" + "s" * 24)
    publish("1", published="2026-01-01T00:00:00Z", title="Public", to={"groups": ["public"]})
    publish("2", published="2026-01-02T00:00:00Z", title="Students", to={"groups": ["students"]})

    response = anon_client.get("/api/v1/activity?s=0&l=10")

    assert titles(response) == ["Students", "Public"]


def test_u_gives_what_that_user_and_their_groups_should_see(key_client, publish):
    kim = UserFactory(username="kim")
    kim.groups.add(GroupFactory(name="faculty"))
    publish("1", published="2026-01-01T00:00:00Z", title="Public", to={"groups": ["public"]})
    publish("2", published="2026-01-02T00:00:00Z", title="Faculty", to={"groups": ["faculty"]})
    publish("3", published="2026-01-03T00:00:00Z", title="Students", to={"groups": ["students"]})
    publish("4", published="2026-01-04T00:00:00Z", title="To kim", to={"users": ["Kim"]})
    publish("5", published="2026-01-05T00:00:00Z", title="To lee", to={"users": ["lee"]})

    response = key_client.get("/api/v1/activity?s=0&l=10&u=kim")

    assert titles(response) == ["To kim", "Faculty", "Public"]


def test_filters_or_within_and_across(key_client, publish, source):
    publish(
        "1",
        published="2026-01-01T00:00:00Z",
        title="A",
        to={"groups": ["public"]},
        meta={"labels": ["~academic"], "startDate": "2026-02-01T00:00:00Z"},
    )
    publish(
        "2",
        published="2026-01-02T00:00:00Z",
        title="B",
        to={"groups": ["public"]},
        meta={"labels": ["~campus-life"], "startDate": "2026-03-01T00:00:00Z"},
    )
    publish(
        "3",
        published="2026-01-03T00:00:00Z",
        title="C",
        to={"groups": ["public"]},
        meta={"labels": ["~student-life"], "startDate": "2026-04-01T00:00:00Z"},
    )
    base = "/api/v1/activity?s=0&l=10"

    by_labels = key_client.get(f"{base}&m=~academic&m=~campus-life")
    by_labels_and_date = key_client.get(f"{base}&m=~academic&m=~campus-life&sd=2026-02-15T00:00:00Z")
    by_range = key_client.get(f"{base}&sd=2026-02-01T00:00:00.000Z&ed=2026-03-01T00:00:00.000Z")
    by_type = key_client.get(f"{base}&t=event")
    by_source = key_client.get(f"{base}&o={source.ident}&o=unknown")
    by_other_source = key_client.get(f"{base}&o=unknown")

    assert titles(by_labels) == ["B", "A"]
    assert titles(by_labels_and_date) == ["B"]
    assert titles(by_range) == ["B", "A"]
    assert titles(by_type) == []
    assert titles(by_source) == ["C", "B", "A"]
    assert by_other_source.json() == []


def test_skip_limit_and_the_keyset_link_page_through_the_stream(key_client, publish):
    for index in range(5):
        publish(str(index), published=f"2026-01-0{index + 1}T00:00:00Z", title=f"P{index}", to={"groups": ["public"]})

    first = key_client.get("/api/v1/activity?s=0&l=2")
    skipped = key_client.get("/api/v1/activity?s=3&l=2")
    link = first["Link"]
    second = key_client.get(link[link.index("/api/") : link.index(">")])
    last = key_client.get(second["Link"][second["Link"].index("/api/") : second["Link"].index(">")])
    empty = key_client.get("/api/v1/activity?s=0&l=0")

    assert titles(first) == ["P4", "P3"]
    assert link.endswith('>; rel="next"')
    assert titles(second) == ["P2", "P1"]
    assert titles(last) == ["P0"]
    assert "Link" not in last
    assert titles(skipped) == ["P1", "P0"]
    assert empty.json() == []


def test_ties_on_published_are_ordered_by_object_id_across_pages(key_client, publish):
    ids = sorted(
        publish(str(i), published="2026-01-01T00:00:00Z", title=f"T{i}", to={"groups": ["public"]}) for i in range(3)
    )

    first = key_client.get("/api/v1/activity?s=0&l=2")
    second = key_client.get(first["Link"][first["Link"].index("/api/") : first["Link"].index(">")])

    assert [item["object"]["id"] for item in first.json() + second.json()] == ids


BAD_CURSOR = "Not a cursor of this API (take it from the Link header)."


@pytest.mark.parametrize(
    ("query", "field", "problem"),
    [
        ("l=10", "s", "This field is required."),
        ("s=0", "l", "This field is required."),
        ("s=x&l=10", "s", "A valid integer is required."),
        ("s=4001&l=10", "s", "Ensure this value is less than or equal to 4000."),
        ("s=-1&l=10", "s", "Ensure this value is greater than or equal to 0."),
        ("s=0&l=201", "l", "Ensure this value is less than or equal to 200."),
        ("s=0&l=10&sd=2026-01-01", "sd", "Must be an ISO-8601 date in Zulu time, e.g. 2013-07-01T17:00:00.000Z."),
        ("s=0&l=10&after=%21%21", "after", "Not a cursor of this API (take it from the Link header)."),
        ("s=0&l=10&after=bm9wZQ", "after", "Not a cursor of this API (take it from the Link header)."),
        # a NUL in the id and an offset PostgreSQL cannot hold were 500s there: cursors are UTC and plain text
        ("s=0&l=10&after=MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHwA", "after", BAD_CURSOR),
        ("s=0&l=10&after=MDAwMS0wMS0wMVQwMDowMDowMC0yMzo1OXx4", "after", BAD_CURSOR),
        ("s=0&l=10&after=MjAyNi0wMS0wMVQwMDowMDowMCswMjowMHx4", "after", BAD_CURSOR),
    ],
)
def test_bad_paging_or_filter_parameters_are_400(key_client, anon_client, query, field, problem):
    expected = {
        "error": {
            "status": 400,
            "code": "bad_parameter",
            "message": "The cursor is invalid." if field == "after" else "A query parameter is missing or invalid.",
            "details": [{"field": field, "problem": problem}],
        }
    }

    keyed = key_client.get(f"/api/v1/activity?{query}")
    public = anon_client.get(f"/api/v1/activity/public?{query}")

    assert keyed.status_code == public.status_code == 400
    assert keyed.json() == public.json() == expected


def test_the_list_needs_a_key(anon_client):
    response = anon_client.get("/api/v1/activity?s=0&l=10")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "ApiKey"
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_session_alone_cannot_read_the_live_list(session_client, approver, source):
    response = session_client(approver).get("/api/v1/activity?s=0&l=10")

    assert response.status_code == 403


@pytest.mark.parametrize("size", [1, 20])
def test_the_lists_run_a_fixed_number_of_queries_whatever_the_page_size(
    key_client, anon_client, publish, source, django_assert_max_num_queries, size
):
    kim = UserFactory(username="kim")
    kim.groups.add(GroupFactory(name="students"))
    for index in range(size):
        publish(
            str(index),
            published="2026-01-01T00:00:00Z",
            title=f"P{index}",
            to={"groups": ["public", "students"]},
            meta={"labels": ["~academic", "x"]},
        )

    with django_assert_max_num_queries(1):
        public = anon_client.get(f"/api/v1/activity/public?s=0&l={size}&m=~academic&t=notification&q=P")
    with django_assert_max_num_queries(3):
        keyed = key_client.get(f"/api/v1/activity?s=0&l={size}&u=kim&m=~academic&o={source.ident}&o=y")
    with django_assert_max_num_queries(2):
        plain = key_client.get(f"/api/v1/activity?s=0&l={size}")

    assert len(public.json()) == len(keyed.json()) == len(plain.json()) == size


def test_dates_before_the_year_1000_filter_instead_of_failing(client, publish):
    publish("1", published="2026-01-01T00:00:00Z", title="Library hours", to={"groups": ["public"]})

    early = client.get("/api/v1/activity/public?s=0&l=10&ed=0233-01-02T04:05:33Z")
    late = client.get("/api/v1/activity/public?s=0&l=10&sd=0085-10-13T21:54:14Z")

    assert (early.status_code, early.json()) == (200, [])
    assert late.status_code == 200
    assert [item["title"] for item in late.json()] == ["Library hours"]
