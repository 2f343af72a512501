"""Filters, capabilities and the current user (contract §10, §11, §1)."""

import pytest

from activities import registry
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_sources(monkeypatch):
    """Replace the registered sources by the given ones for one test."""

    def use(*sources):
        monkeypatch.setattr(registry, "_sources", {source.id: source for source in sources})

    return use


@pytest.mark.parametrize("prefix", ["/ocs/v1.php", "/ocs/v2.php"])
def test_filters_list_builtins_and_sources_by_priority_then_id(ocs, reader, only_sources, prefix):
    only_sources(
        registry.ActivitySource(id="wopi", name="Comments on documents", icon="/static/wopi.svg", priority=40),
        registry.ActivitySource(id="aggiefeed", name="Campus feed", icon="icon-feed", priority=40),
        registry.ActivitySource(id="channels", name="Time tracking", icon="https://cdn.example.edu/c.svg", priority=1),
    )

    response = ocs(reader).get(f"{prefix}/apps/activity/api/v2/activity/filters", {"format": "json"})

    assert response.status_code == 200
    meta = {"status": "ok", "statuscode": 200, "message": "OK"}
    if prefix == "/ocs/v1.php":
        meta = {"status": "ok", "statuscode": 100, "message": "OK", "totalitems": "", "itemsperpage": ""}
    assert response.json()["ocs"]["meta"] == meta
    assert response.json()["ocs"]["data"] == [
        {
            "id": "all",
            "name": "All activities",
            "icon": "http://testserver/static/activities/img/activity.svg",
            "priority": 0,
        },
        {"id": "channels", "name": "Time tracking", "icon": "https://cdn.example.edu/c.svg", "priority": 1},
        {"id": "self", "name": "By you", "icon": "http://testserver/static/activities/img/self.svg", "priority": 1},
        {"id": "by", "name": "By others", "icon": "http://testserver/static/activities/img/by.svg", "priority": 2},
        {
            "id": "aggiefeed",
            "name": "Campus feed",
            "icon": "http://testserver/static/activities/img/filter.svg",
            "priority": 40,
        },
        {"id": "wopi", "name": "Comments on documents", "icon": "http://testserver/static/wopi.svg", "priority": 40},
    ]


def test_every_listed_filter_is_accepted_by_the_stream(ocs, reader):
    client = ocs(reader)
    filters = client.get("/ocs/v2.php/apps/activity/api/v2/activity/filters", {"format": "json"}).json()["ocs"]["data"]

    statuses = {
        f["id"]: client.get(f"/ocs/v2.php/apps/activity/api/v2/activity/{f['id']}").status_code for f in filters
    }

    assert set(statuses.values()) == {304}


@pytest.mark.parametrize("source_id", ["all", "filter", "Bad", "with space", ""])
def test_a_source_cannot_shadow_a_builtin_filter_or_break_the_id_rules(source_id):
    with pytest.raises(ValueError, match="invalid activity source id"):
        registry.register_source(registry.ActivitySource(id=source_id, name="x", icon=""))


def test_capabilities_for_a_logged_in_caller_on_v1(ocs, reader, settings):
    settings.NEXTCLOUD_VERSION = "30.0.4.1"

    response = ocs(reader).get("/ocs/v1.php/cloud/capabilities", {"format": "json"})

    assert response.status_code == 200
    assert response.json() == {
        "ocs": {
            "meta": {"status": "ok", "statuscode": 100, "message": "OK", "totalitems": "", "itemsperpage": ""},
            "data": {
                "version": {
                    "major": 30,
                    "minor": 0,
                    "micro": 4,
                    "string": "30.0.4",
                    "edition": "",
                    "extendedSupport": False,
                },
                "capabilities": {"activity": {"apiv2": ["filters", "filters-api", "previews", "rich-strings"]}},
            },
        }
    }


def test_capabilities_are_public_without_the_activity_capability(ocs):
    response = ocs().get("/ocs/v2.php/cloud/capabilities", {"format": "json"})

    assert response.status_code == 200
    assert response.json() == {
        "ocs": {
            "meta": {"status": "ok", "statuscode": 200, "message": "OK"},
            "data": {
                "version": {
                    "major": 30,
                    "minor": 0,
                    "micro": 0,
                    "string": "30.0.0",
                    "edition": "",
                    "extendedSupport": False,
                },
                "capabilities": [],
            },
        }
    }


def test_capabilities_carry_a_quoted_etag_that_if_none_match_honours(ocs, reader):
    client = ocs(reader)
    etag = client.get("/ocs/v2.php/cloud/capabilities", {"format": "json"})["ETag"]

    response = client.get("/ocs/v2.php/cloud/capabilities", {"format": "json"}, HTTP_IF_NONE_MATCH=etag)

    assert etag.startswith('"')
    assert etag.endswith('"')
    assert response.status_code == 304
    assert response.content == b""


def test_capabilities_refuse_wrong_credentials(ocs, reader):
    from tests.activities.test_api_auth import LOGIN_FAILED

    response = ocs(reader, password="wrong").get("/ocs/v2.php/cloud/capabilities", {"format": "json"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Authorisation Required"'
    assert response.content.decode() == LOGIN_FAILED


def test_current_user_in_xml(ocs):
    user = UserFactory(username="carla", display_name="Carla <Díaz>", email="", language="fr")
    user.groups.add(GroupFactory(name="staff"), GroupFactory(name="faculty"))

    response = ocs(user).get("/ocs/v2.php/cloud/user")

    assert response.status_code == 200
    assert response.content.decode() == (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>ok</status>\n  <statuscode>200</statuscode>\n'
        "  <message>OK</message>\n </meta>\n <data>\n  <id>carla</id>\n"
        "  <display-name>Carla &lt;Díaz&gt;</display-name>\n  <email/>\n  <groups>\n"
        "   <element>faculty</element>\n   <element>staff</element>\n  </groups>\n  <language>fr</language>\n"
        " </data>\n</ocs>\n"
    )


def test_every_ocs_endpoint_is_in_the_openapi_document(client):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for prefix in ("/ocs/v1.php", "/ocs/v2.php"):
        for suffix in (
            "/apps/activity/api/v2/activity",
            "/apps/activity/api/v2/activity/{filter_id}",
            "/apps/activity/api/v2/activity/filters",
            "/cloud/capabilities",
            "/cloud/user",
        ):
            operation = paths[prefix + suffix]["get"]
            assert "401" in operation["responses"]
            assert "412" in operation["responses"]
            assert set(operation["responses"]["200"]["content"]) == {"application/xml", "application/json"}
