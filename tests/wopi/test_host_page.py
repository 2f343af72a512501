from pathlib import Path
from urllib.parse import quote

import pytest

from tests.factories import UserFactory, WopiFileFactory, WopiShareFactory
from tests.wopi.conftest import token_for
from wopi.discovery import action_url, discovery_parse
from wopi.tokens import access_token_read

pytestmark = pytest.mark.django_db

DISCOVERY = Path(__file__).parent / "discovery.xml"
CLIENT = "https://office.example.test"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    f"base-uri 'none'; form-action {CLIENT}; frame-src {CLIENT}; frame-ancestors 'none'"
)


@pytest.fixture
def discovery(settings):
    settings.WOPI_DISCOVERY_URL = str(DISCOVERY)


def wopi_src(wopi_file):
    return quote(f"http://testserver/wopi/files/{wopi_file.pk}", safe="")


def form_of(response):
    html = response.content.decode()
    return {
        "html": html,
        "token": html.split('name="access_token" value="')[1].split('"')[0],
        "ttl": html.split('name="access_token_ttl" value="')[1].split('"')[0],
    }


def test_the_owner_gets_a_page_that_posts_a_fresh_token_to_the_clients_edit_url(client, discovery, wopi_file, owner):
    client.force_login(owner)

    response = client.get(f"/wopi/open/{wopi_file.pk}?action=edit")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    form = form_of(response)
    action = f"{CLIENT}/we/editor.aspx?ui=en-us&amp;WOPISrc={wopi_src(wopi_file)}"
    assert (
        f'<form id="office_form" name="office_form" target="office_frame" action="{action}" method="post">'
        in form["html"]
    )
    assert '<iframe id="office_frame" name="office_frame"' in form["html"]
    assert '<meta name="viewport"' in form["html"]
    assert '<script src="/static/wopi/host_page.js" defer></script>' in form["html"]
    assert "<script>" not in form["html"]
    grant = access_token_read(form["token"])
    assert (grant.user_id, grant.file_id, str(grant.expires_ms)) == (owner.pk, str(wopi_file.pk), form["ttl"])
    assert client.get(f"/wopi/files/{wopi_file.pk}?access_token={form['token']}").status_code == 200


def test_view_is_the_default_and_edit_by_a_reader_opens_the_viewer(client, discovery, wopi_file):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)
    client.force_login(reader)

    default = client.get(f"/wopi/open/{wopi_file.pk}")
    edit = client.get(f"/wopi/open/{wopi_file.pk}?action=edit")

    viewer = f'action="{CLIENT}/wv/viewer.aspx?ui=en-us&amp;rs=en-us&amp;WOPISrc={wopi_src(wopi_file)}"'
    assert default.status_code == edit.status_code == 200
    assert viewer in default.content.decode()
    assert viewer in edit.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, discovery, wopi_file):
    response = client.get(f"/wopi/open/{wopi_file.pk}?action=edit")

    assert response.status_code == 302
    assert response["Location"] == f"/?next=/wopi/open/{wopi_file.pk}%3Faction%3Dedit"


@pytest.mark.parametrize("file_id", ["someone-elses", "00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_a_file_the_user_may_not_open_is_404_like_an_unknown_one(client, discovery, wopi_file, file_id):
    client.force_login(UserFactory())
    target = wopi_file.pk if file_id == "someone-elses" else file_id

    response = client.get(f"/wopi/open/{target}?action=view")

    assert response.status_code == 404
    assert wopi_file.name not in response.content.decode()


def test_without_discovery_the_page_says_so_in_plain_words(client, wopi_file, owner, settings):
    settings.WOPI_DISCOVERY_URL = ""
    client.force_login(owner)

    response = client.get(f"/wopi/open/{wopi_file.pk}?action=edit")

    assert response.status_code == 503
    html = response.content.decode()
    assert "<h1>report.wopitest cannot be opened</h1>" in html
    assert (
        "Documents cannot be opened here yet: no Office for the web server is set up for this site. "
        "Please ask your administrator to configure one."
    ) in html
    assert "access_token" not in html


def test_an_unreadable_discovery_is_a_temporary_problem(client, wopi_file, owner, settings, tmp_path):
    settings.WOPI_DISCOVERY_URL = str(tmp_path / "missing.xml")
    client.force_login(owner)

    response = client.get(f"/wopi/open/{wopi_file.pk}")

    assert response.status_code == 503
    assert "cannot be reached right now. Please try again later." in response.content.decode()


def test_a_file_type_the_client_cannot_open_is_415(client, discovery, owner):
    other = WopiFileFactory(owner=owner, name="notes.xyz")
    client.force_login(owner)

    response = client.get(f"/wopi/open/{other.pk}?action=edit")

    assert response.status_code == 415
    assert "Files of this type cannot be edited in Office for the web." in response.content.decode()


def test_an_unknown_action_is_400_and_post_is_405(client, discovery, wopi_file, owner):
    client.force_login(owner)

    unknown = client.get(f"/wopi/open/{wopi_file.pk}?action=delete")
    posted = client.post(f"/wopi/open/{wopi_file.pk}?action=view")

    assert unknown.status_code == 400
    assert "something other than viewing or editing" in unknown.content.decode()
    assert posted.status_code == 405


def test_check_file_info_points_to_the_host_pages_and_to_edit_only_for_writers(wopi, wopi_file, owner_token):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)

    mine = wopi.check_file_info(wopi_file, token=owner_token).json()
    theirs = wopi.check_file_info(wopi_file, token=token_for(reader, wopi_file)).json()

    page = f"http://testserver/wopi/open/{wopi_file.pk}"
    assert (mine["HostViewUrl"], mine["HostEditUrl"]) == (f"{page}?action=view", f"{page}?action=edit")
    assert theirs["HostViewUrl"] == f"{page}?action=view"
    assert "HostEditUrl" not in theirs


def test_action_urls_fill_the_language_placeholders_and_drop_the_others():
    found = discovery_parse(DISCOVERY.read_bytes())

    view = action_url(
        discovery=found, action="view", file_name="A.WOPITEST", wopi_src="https://h/w?x=1", language="fr-fr"
    )
    none = action_url(discovery=found, action="embedview", file_name="a.wopitest", wopi_src="w", language="en-us")

    assert view == f"{CLIENT}/wv/viewer.aspx?ui=fr-fr&rs=fr-fr&WOPISrc=https%3A%2F%2Fh%2Fw%3Fx%3D1"
    assert none is None
