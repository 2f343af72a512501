"""The OCS layer's pure functions against the contract's rules and test vectors (§3, §4, §5.1, §6)."""

import json

import pytest

from activities.api.ocs import (
    activity_etag,
    link_next,
    ocs_envelope,
    ocs_format,
    ocs_meta,
    ocs_wire_status,
    php_bool,
    php_int,
    php_json,
    php_list_or_map,
    php_xml,
)


def test_link_header_matches_the_contract_vector_with_empty_host_and_path():
    link = link_next(scheme="", host="", path="", since=23, limit=25, sort="asc", object_type="ob", object_id=10)

    assert link == '<://?since=23&limit=25&sort=asc&object_type=ob&object_id=10>; rel="next"'


def test_link_header_carries_format_last_and_no_half_object():
    link = link_next(
        scheme="https",
        host="hub.example.edu",
        path="/ocs/v1.php/apps/activity/api/v2/activity/all",
        since=364,
        limit=500,
        sort="desc",
        object_type="files",
        object_id=0,
        format_param="json",
    )

    assert link == (
        "<https://hub.example.edu/ocs/v1.php/apps/activity/api/v2/activity/all?since=364&limit=500&sort=desc"
        '&format=json>; rel="next"'
    )


def test_link_header_encodes_like_php_http_build_query():
    link = link_next(scheme="", host="", path="", since=1, limit=2, sort="asc", object_type="a b/~é&", object_id=3)

    assert link == '<://?since=1&limit=2&sort=asc&object_type=a+b%2F%7E%C3%A9%26&object_id=3>; rel="next"'


@pytest.mark.parametrize(
    ("ids", "etag"),
    [
        ([], "d751713988987e9331980363e24189ce"),
        ([23], "b37e127599eef3cfeceac50e34cd5037"),
        ([23, 42], "f39a1f6e9647bf7ac763f3728830d64b"),
    ],
)
def test_etag_matches_the_contract_vectors(ids, etag):
    assert activity_etag(ids) == etag


def test_php_json_escapes_slashes_tags_and_non_ascii():
    encoded = php_json({"a": '</x> é 😀 "q"', "b": [], "c": None, "d": True})

    assert encoded == b'{"a":"\\u003C\\/x\\u003E \\u00e9 \\ud83d\\ude00 \\"q\\"","b":[],"c":null,"d":true}'


@pytest.mark.parametrize(
    "text",
    ["plain", "a/b <i>", '\x00\x07\x1f\x7f\\"', "tab\tnew\nline\r", "caf\u00e9", "\u2028\u2029", "\U0001f600", ""],
)
def test_php_json_writes_what_the_json_encoder_writes(text):
    """The fast (orjson, all-ASCII) and the general (json) paths agree byte for byte, DEL and controls included."""
    for big in (2**63 - 1, 2**64):  # orjson writes 64-bit integers; past that, json writes the reply
        value = {text: [text, 0, -(2**63), big, True, None, {"k": text}], "n": [], "m": {}}
        expected = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
        expected = expected.replace("/", "\\/").replace("<", "\\u003C").replace(">", "\\u003E")

        assert php_json(value) == expected.encode("ascii")


def test_php_xml_follows_toxml_rules():
    body = {
        "ocs": {
            "meta": {"status": "ok"},
            "data": [{"n": None, "e": [], "t": True, "f": False, "s": "", "m": {"776": "<&>\r"}}],
        }
    }

    assert php_xml(body).decode() == (
        '<?xml version="1.0"?>\n'
        "<ocs>\n"
        " <meta>\n"
        "  <status>ok</status>\n"
        " </meta>\n"
        " <data>\n"
        "  <element>\n"
        "   <n/>\n"
        "   <e/>\n"
        "   <t>1</t>\n"
        "   <f></f>\n"
        "   <s></s>\n"
        "   <m>\n"
        "    <element>&lt;&amp;&gt;&#13;</element>\n"
        "   </m>\n"
        "  </element>\n"
        " </data>\n"
        "</ocs>\n"
    )


def test_php_xml_drops_characters_xml_cannot_carry_and_renames_bad_tags():
    body = php_xml({"ocs": {"9lives": "a\x00b\x1fc\ufffe", "ok-name": 1}}).decode()

    assert "<element>abc</element>" in body
    assert "<ok-name>1</ok-name>" in body


def test_php_arrays_empty_is_a_list_and_key_zero_alone_is_a_list():
    assert php_list_or_map({}) == []
    assert php_list_or_map({"0": "name"}) == ["name"]
    assert php_list_or_map({"776": ""}) == {"776": ""}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 7),
        ("", 0),
        ("abc", 0),
        ("12", 12),
        ("12abc", 12),
        (" 12", 12),
        ("-5", -5),
        ("1.9", 1),
        ("1e3", 1000),
        ("0x1A", 0),
        ("٣", 0),
        ("99999999999999999999999", 2**63 - 1),
        ("-1e400", -(2**63)),
    ],
)
def test_integers_are_read_like_php_settype(value, expected):
    assert php_int(value, default=7) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("false", False), ("0", False), ("", False), ("1", True), ("true", True), ("no", True)],
)
def test_booleans_are_read_like_nextclouds_dispatcher(value, expected):
    assert php_bool(value) is expected


@pytest.mark.parametrize(
    ("format_param", "accept", "expected"),
    [
        ("json", "application/xml", "json"),
        ("xml", "application/json", "xml"),
        (None, "application/json", "json"),
        (None, "text/html, Application/JSON", "json"),
        (None, "application/json; q=1", "xml"),
        (None, "text/html, xml, json", "xml"),
        (None, "", "xml"),
        (None, "*/*", "xml"),
        ("yaml", "application/json", "json"),
    ],
)
def test_format_is_chosen_by_parameter_then_accept_then_xml(format_param, accept, expected):
    assert ocs_format(format_param, accept) == expected


@pytest.mark.parametrize(
    ("status", "v2_http", "v1_http", "v1_code"),
    [
        (200, 200, 200, 100),
        (304, 304, 200, 304),
        (400, 400, 200, 400),
        (403, 403, 200, 403),
        (404, 404, 200, 404),
        (997, 401, 401, 997),
        (998, 404, 200, 998),
        (996, 500, 200, 996),
        (999, 500, 200, 999),
        (150, 400, 200, 150),
        (700, 400, 200, 700),
    ],
)
def test_status_mapping_table(status, v2_http, v1_http, v1_code):
    assert ocs_wire_status(2, status) == v2_http
    assert ocs_wire_status(1, status) == v1_http
    assert ocs_meta(2, status)["statuscode"] == status
    assert ocs_meta(1, status)["statuscode"] == v1_code


def test_meta_of_each_version():
    assert ocs_meta(2, 200) == {"status": "ok", "statuscode": 200, "message": "OK"}
    assert ocs_meta(2, 404, "gone") == {"status": "failure", "statuscode": 404, "message": "gone"}
    assert ocs_meta(1, 200) == {
        "status": "ok",
        "statuscode": 100,
        "message": "OK",
        "totalitems": "",
        "itemsperpage": "",
    }
    assert ocs_meta(1, 304) == {
        "status": "failure",
        "statuscode": 304,
        "message": "",
        "totalitems": "",
        "itemsperpage": "",
    }


def test_a_v2_304_has_no_body_but_a_v1_304_has_one():
    assert ocs_envelope(2, 304, []) is None
    assert ocs_envelope(1, 304, []) == {"ocs": {"meta": ocs_meta(1, 304), "data": []}}
