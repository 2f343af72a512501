from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import UserFactory, WopiFileFactory
from tests.wopi.test_host_page import CLIENT, DISCOVERY
from wopi.tokens import access_token_read

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(page, live_server, user):
    """The browser carries the session of ``user`` (the login page itself is accounts' to test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True, "sameSite": "Lax"}]
    )


def test_the_host_page_posts_the_token_into_the_frame_and_never_shows_it_in_a_url(browser_page, live_server, settings):
    settings.WOPI_DISCOVERY_URL = str(DISCOVERY)
    owner = UserFactory(display_name="Ann")
    wopi_file = WopiFileFactory(owner=owner, name="report.wopitest")
    page = browser_page
    log_in(page, live_server, owner)
    posted = []

    def office(route):
        posted.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<html><body>Office for the web</body></html>")

    page.route(f"{CLIENT}/**", office)

    page.goto(f"/wopi/open/{wopi_file.pk}?action=edit")
    page.frame_locator("#office_frame").get_by_text("Office for the web").wait_for()

    form = page.locator("#office_form")
    assert form.get_attribute("target") == "office_frame"
    assert form.get_attribute("method") == "post"
    action = form.get_attribute("action")
    wopi_src = f"{live_server.url}/wopi/files/{wopi_file.pk}"
    assert action.startswith(f"{CLIENT}/we/editor.aspx?ui=en-us&WOPISrc=")
    assert parse_qs(urlsplit(action).query)["WOPISrc"] == [wopi_src]
    inputs = page.locator("#office_form input")
    assert [inputs.nth(i).get_attribute("name") for i in range(inputs.count())] == ["access_token", "access_token_ttl"]
    assert [inputs.nth(i).get_attribute("type") for i in range(inputs.count())] == ["hidden", "hidden"]
    token = inputs.nth(0).get_attribute("value")
    grant = access_token_read(token)
    assert (grant.user_id, grant.file_id) == (owner.pk, str(wopi_file.pk))
    assert inputs.nth(1).get_attribute("value") == str(grant.expires_ms)

    [request] = posted
    assert (request.method, request.url, request.frame.name) == ("POST", action, "office_frame")
    assert parse_qs(request.post_data) == {"access_token": [token], "access_token_ttl": [str(grant.expires_ms)]}
    assert page.url == f"{live_server.url}/wopi/open/{wopi_file.pk}?action=edit"
    assert token not in page.url
    assert token not in request.url
    frame_height = page.evaluate("document.getElementById('office_frame').getBoundingClientRect().height")
    assert frame_height == page.viewport_size["height"]
