"""Rendering in one place (registry + rendering.item_render) and the object surrogates of activity_record."""

import pytest

from activities import registry
from activities.models import ActivityObject, StreamEntry
from activities.rendering import item_render
from activities.selectors import StreamFilter, stream_page
from tests.activities.conftest import record

pytestmark = pytest.mark.django_db


def _rendered(reader, **kwargs):
    page = stream_page(user_id=reader.pk, stream_filter=StreamFilter())
    return item_render(page.items[0], **kwargs)


def test_the_registered_renderer_says_you_to_the_actor(reader, actor, monkeypatch):
    kind = registry.ActivityType(
        source="test", type="did", label="did", subject_renderer=registry.you_renderer("You did it")
    )
    monkeypatch.setitem(registry._types, ("test", "did"), kind)
    record(actor, users=[reader])

    for_actor = _rendered(actor, viewer_id=actor.pk)
    for_reader = _rendered(reader, viewer_id=reader.pk)

    assert (for_actor.subject.text, for_actor.subject.rich, for_actor.subject.params) == (
        "You did it",
        "You did it",
        {},
    )
    assert for_reader.subject.text == "Bob Roy did it"
    assert for_reader.subject.params == {"actor": {"type": "user", "id": "bob", "name": "Bob Roy"}}


def test_rich_values_become_strings_in_a_fixed_key_order():
    rendered = registry.Rendered(
        "x",
        "{b} {a}",
        {"b": {"path": "/p", "name": "n", "id": 7, "type": "file", "flag": True}, "a": registry.rich_user("u", "U")},
    )

    checked = registry.rich_checked(rendered, "subject")

    assert list(checked.params) == ["a", "b"]
    assert list(checked.params["b"].items()) == [
        ("type", "file"),
        ("id", "7"),
        ("name", "n"),
        ("flag", "true"),
        ("path", "/p"),
    ]


@pytest.mark.parametrize(
    ("rich", "params", "bad"),
    [
        ("{file}", {}, "file"),
        ("{file}", {"file": {"id": "1", "name": "n", "path": "p"}}, "file"),
        ("{file}", {"file": {"type": "file", "id": "1", "name": "n"}}, "file"),
        ("{u}", {"u": "not an object"}, "u"),
        ("x", {"bad key": {"type": "user", "id": "1", "name": "n"}}, "bad key"),
    ],
)
def test_a_broken_rich_string_reads_as_malformed(rich, params, bad):
    checked = registry.rich_checked(registry.Rendered("x", rich, params), "message")

    assert checked == registry.Rendered(
        f'Rich message or a parameter for "{bad}" is malformed',
        f'Rich message or a parameter for "{bad}" is malformed',
        {},
    )


def test_rich_builders():
    assert registry.rich_file(5, "a.txt", "/d/a.txt", "https://x/f/5") == {
        "type": "file",
        "id": "5",
        "name": "a.txt",
        "path": "/d/a.txt",
        "link": "https://x/f/5",
    }
    assert registry.rich_object("announcement", 3, "News", body="b") == {
        "type": "announcement",
        "id": "3",
        "name": "News",
        "body": "b",
    }


def test_one_object_gets_one_surrogate_copied_to_every_stream_entry(reader, actor):
    first = record(actor, users=[reader], object_type="file", object_id="doc-1")
    second = record(actor, users=[reader], object_type="file", object_id="doc-1")
    other_type = record(actor, users=[reader], object_type="event", object_id="doc-1")
    nothing = record(actor, users=[reader])

    assert first.object_ref_id == second.object_ref_id
    assert other_type.object_ref_id != first.object_ref_id
    assert nothing.object_ref_id is None
    assert ActivityObject.objects.count() == 2
    assert set(StreamEntry.objects.filter(activity=first).values_list("object_ref_id", flat=True)) == {
        first.object_ref_id
    }
