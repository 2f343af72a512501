import pytest
from defusedxml import ElementTree

from activities.models import FeedToken
from activities.selectors import feed_url, feed_user_by_secret
from activities.services import activity_record, feed_token_reset, feed_token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _record(actor, reader, text, **kwargs):
    return activity_record(
        source="test",
        type="did",
        actor=actor,
        subject="{actor} " + text,
        subject_params={"actor": {"type": "user", "id": actor.username, "name": actor.display_name}},
        users=[reader],
        **kwargs,
    )


def test_reset_returns_the_feed_path_and_feed_url_shows_it_again():
    user = UserFactory()

    path = feed_token_reset(user=user)

    assert path.startswith("/feeds/")
    assert "/" not in path.removeprefix("/feeds/")
    assert len(path.split("/")[2]) == 64
    assert feed_url(user=user) == path


def test_feed_url_is_none_without_a_feed():
    assert feed_url(user=UserFactory()) is None


def test_the_secret_is_stored_only_as_a_hash():
    user = UserFactory()

    secret = feed_token_reset(user=user).split("/")[2]

    token = FeedToken.objects.get(user=user)
    assert secret not in (token.nonce, token.secret_hash)
    assert feed_user_by_secret(secret=secret) == user
    assert feed_user_by_secret(secret=token.secret_hash) is None
    assert feed_user_by_secret(secret=token.nonce) is None


def test_feed_url_is_none_once_secret_key_changed(settings):
    user = UserFactory()
    feed_token_reset(user=user)

    settings.SECRET_KEY = "another-secret-key"

    assert feed_url(user=user) is None


def test_the_feed_serves_the_users_stream_newest_first_as_atom(client):
    reader, actor, stranger = UserFactory.create_batch(3)
    _record(actor, reader, "wrote <b>first</b>", link="https://example.edu/one")
    _record(actor, reader, "wrote second")
    _record(actor, stranger, "wrote something private")
    path = feed_token_reset(user=reader)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    feed = ElementTree.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == f"Activity of {reader.shown_name}"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{actor.display_name} wrote second",
        f"{actor.display_name} wrote <b>first</b>",
    ]
    assert entries[1].find(f"{ATOM}link").get("href") == "https://example.edu/one"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == actor.display_name


def test_reset_invalidates_the_old_url(client):
    user = UserFactory()
    old = feed_token_reset(user=user)

    new = feed_token_reset(user=user)

    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert FeedToken.objects.filter(user=user).count() == 1


def test_an_unknown_or_revoked_feed_is_404(client):
    user = UserFactory()
    path = feed_token_reset(user=user)

    assert client.get("/feeds/" + "0" * 64).status_code == 404
    assert client.get("/feeds/%F0%9F%92%A9").status_code == 404

    assert feed_token_revoke(user=user) is True
    assert client.get(path).status_code == 404
    assert feed_url(user=user) is None


def test_an_inactive_users_feed_is_404(client):
    user = UserFactory()
    path = feed_token_reset(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(path)

    assert response.status_code == 404


def test_the_feed_costs_three_queries_whatever_the_stream_size(client, django_assert_max_num_queries):
    reader, actor = UserFactory.create_batch(2)
    for n in range(60):
        _record(actor, reader, f"wrote {n}")
    path = feed_token_reset(user=reader)

    with django_assert_max_num_queries(3):
        response = client.get(path)

    assert len(ElementTree.fromstring(response.content).findall(f"{ATOM}entry")) == 50


def test_a_message_is_plain_text_in_the_feeds_html_summary(client):
    reader, actor = UserFactory.create_batch(2)
    _record(actor, reader, "wrote", message='<img src=x onerror="alert(1)"> & <b>bold</b>')
    path = feed_token_reset(user=reader)

    response = client.get(path)

    summary = ElementTree.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("", "http://testserver/"),
        ("javascript:alert(1)", "http://testserver/"),
        ("//evil.example/x", "http://testserver/"),
        ("/wopi/files/doc-1", "http://testserver/wopi/files/doc-1"),
        ("https://example.edu/post", "https://example.edu/post"),
    ],
)
def test_an_entry_links_to_its_activity_or_the_site_never_to_the_secret_feed_url(client, link, href):
    reader, actor = UserFactory.create_batch(2)
    _record(actor, reader, "wrote", link=link)
    path = feed_token_reset(user=reader)

    response = client.get(path)

    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == href
    assert path not in response.content.decode().split("<entry>", 1)[1]


def test_the_feed_is_in_the_openapi_document_without_credentials():
    from drf_spectacular.generators import SchemaGenerator

    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/feeds/{secret}"]["get"]

    assert operation["security"] == [{}]
    assert set(operation["responses"]["200"]["content"]) == {"application/atom+xml"}
    assert set(operation["responses"]) == {"200", "404"}
    assert [p["name"] for p in operation["parameters"]] == ["secret"]


@pytest.mark.parametrize("accept", ["application/json", "text/html", "", "application/atom+xml"])
def test_the_feed_answers_atom_whatever_accept_says_and_an_unknown_one_is_a_json_404(client, accept):
    path = feed_token_reset(user=UserFactory())

    found = client.get(path, HTTP_ACCEPT=accept)
    unknown = client.get("/feeds/" + "0" * 64, HTTP_ACCEPT=accept)

    assert found.status_code == 200
    assert found["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Not found."}


def test_characters_xml_cannot_carry_are_dropped_from_the_feed(client):
    reader, actor = UserFactory(display_name="Ann\x02 Lee"), UserFactory(display_name="Bob\x1b Roy")
    _record(actor, reader, "wrote\x01 a\x0bnote", message="line\x0cone\x1f\ufffe", object_name="n\x08")
    path = feed_token_reset(user=reader)

    response = client.get(path)

    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    entry = feed.find(f"{ATOM}entry")
    assert feed.findtext(f"{ATOM}title") == "Activity of Ann Lee"
    assert entry.findtext(f"{ATOM}title") == "Bob Roy wrote anote"
    assert entry.findtext(f"{ATOM}summary") == "lineone"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Bob Roy"
