"""The OCS layer as Nextcloud writes it: envelope and v1/v2 status mapping, PHP-style JSON and XML, Link, ETag.

Pure functions (no request, no ORM), each reproducing one upstream behaviour of contract §3 to §6 byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus

import orjson

OCS_STATUS_UNAUTHORISED = 997
OCS_V1_OK = 100
_PHP_NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$", re.ASCII)
_PHP_LEADING_NUMBER = re.compile(r"^[ \t\n\r\v\f]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)", re.ASCII)
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all (libxml2 would refuse the document): dropped from text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)


def php_int(value: str | None, default: int = 0) -> int:
    """PHP's ``settype($value, 'int')`` of a request string: leading number or 0, saturating at 64 bits."""
    if value is None:
        return default
    match = _PHP_LEADING_NUMBER.match(value)
    if match is None:
        return 0
    number = match.group(1)
    try:
        return max(min(int(number), _INT64_MAX), _INT64_MIN)
    except ValueError:
        as_float = float(number)  # "1.9", "1e3": PHP truncates, and saturates past 64 bits
    if as_float >= _INT64_MAX:
        return _INT64_MAX
    if as_float <= _INT64_MIN:
        return _INT64_MIN
    return int(as_float)


def php_bool(value: str | None, default: bool = False) -> bool:
    """A GET boolean as Nextcloud's dispatcher reads it: ``false`` is false, else PHP's cast ("" and "0" false)."""
    if value is None:
        return default
    return value not in ("false", "", "0")


def is_php_numeric(key: str) -> bool:
    return _PHP_NUMERIC.match(key) is not None


def php_list_or_map(mapping: Mapping[str, Any]) -> dict[str, Any] | list[Any]:
    """How PHP ``json_encode`` writes an array: ``[]`` when empty, a list when its keys are exactly 0..n-1."""
    if not mapping:
        return []
    if "0" in mapping and list(mapping) == [str(i) for i in range(len(mapping))]:
        return list(mapping.values())
    return dict(mapping)


def php_json(value: Any) -> bytes:
    """PHP ``json_encode($value, JSON_HEX_TAG)``: ASCII only, ``\\/`` for slashes, ``\\u003C``/``\\u003E`` for tags.

    Slashes, angle brackets and DEL can only occur inside JSON strings, so replacing them in the encoded text
    is exact. orjson writes the common all-ASCII reply ten times faster than ``json``; a reply with other
    characters goes through the C encoder of ``json``, which does the ``\\uXXXX`` escaping orjson cannot.
    """
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError:  # an integer past 64 bits: json writes it
        encoded = b""
    if encoded and encoded.isascii():
        return (
            encoded.replace(b"/", b"\\/")
            .replace(b"<", b"\\u003C")
            .replace(b">", b"\\u003E")
            .replace(b"\x7f", b"\\u007f")
        )
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").replace("<", "\\u003C").replace(">", "\\u003E").encode("ascii")


def php_xml(value: Mapping[str, Any]) -> bytes:
    """Nextcloud's ``toXML`` through PHP's XMLWriter (indent: one space per level).

    Numeric keys (list indexes, id-keyed maps) become ``<element>``; ``None`` and empty arrays ``<k/>``;
    ``True`` ``1``; ``False`` and ``""`` ``<k></k>``. A key that is no XML name becomes ``element`` too, and
    characters XML cannot carry are dropped (upstream would fail to render; a reply beats a 500).
    """
    out = ['<?xml version="1.0"?>\n']
    _xml_into(out, value.items(), 0)
    return "".join(out).encode("utf-8")


def _xml_into(out: list[str], items: Iterable[tuple[Any, Any]], depth: int) -> None:
    pad = " " * depth
    for key, value in items:
        name = str(key)
        tag = name if _XML_NAME.match(name) and not is_php_numeric(name) else "element"
        if isinstance(value, Mapping | list | tuple):
            children = list(value.items() if isinstance(value, Mapping) else enumerate(value))
            if not children:
                out.append(f"{pad}<{tag}/>\n")
                continue
            out.append(f"{pad}<{tag}>\n")
            _xml_into(out, children, depth + 1)
            out.append(f"{pad}</{tag}>\n")
        elif value is None:
            out.append(f"{pad}<{tag}/>\n")
        else:
            text = "1" if value is True else "" if value is False else str(value)
            out.append(f"{pad}<{tag}>{_xml_text(text)}</{tag}>\n")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (C0 controls but tab/CR/LF, surrogates, U+FFFE/U+FFFF)."""
    return _XML_INVALID.sub("", text)


def _xml_text(text: str) -> str:
    text = xml_safe(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def ocs_format(format_param: str | None, accept: str) -> str:
    """``json`` or ``xml`` (contract §3): the ``format`` parameter, else the first of Accept's pieces that is
    ``json`` or ``xml`` once trimmed, lower-cased and stripped of ``application/``, else XML."""
    if format_param in ("json", "xml"):
        return format_param
    for piece in accept.split(","):
        candidate = piece.strip().lower().replace("application/", "")
        if candidate in ("json", "xml"):
            return candidate
    return "xml"


def ocs_wire_status(version: int, status: int) -> int:
    """The HTTP status of a controller status (contract §4 table): v1 is 200 but for 997; v2 maps OCS codes."""
    if version == 1:
        return 401 if status == OCS_STATUS_UNAUTHORISED else 200
    if status == OCS_STATUS_UNAUTHORISED:
        return 401
    if status == 998:
        return 404
    if status in (996, 999):
        return 500
    if status < 200 or status > 600:
        return 400
    return status


def ocs_meta(version: int, status: int, message: str = "") -> dict[str, Any]:
    """The ``meta`` of the envelope: v1 reports 200 as 100 and always has the two (empty) item counts."""
    if version == 1:
        code = OCS_V1_OK if status == 200 else status
        ok = code == OCS_V1_OK
        return {
            "status": "ok" if ok else "failure",
            "statuscode": code,
            "message": "OK" if ok else message,
            "totalitems": "",
            "itemsperpage": "",
        }
    ok = 200 <= status < 300
    return {"status": "ok" if ok else "failure", "statuscode": status, "message": "OK" if ok else message}


def ocs_envelope(version: int, status: int, data: Any, message: str = "") -> dict[str, Any] | None:
    """The body ``{"ocs": {"meta", "data"}}``, or None when the wire status carries no body (204, 304, 1xx)."""
    wire = ocs_wire_status(version, status)
    if wire in (204, 304) or 100 <= wire < 200:
        return None
    return {"ocs": {"meta": ocs_meta(version, status, message), "data": data}}


def activity_etag(activity_ids: Iterable[int]) -> str:
    """``md5(json_encode(ids))``, unquoted, as the activity app sets it (contract §6)."""
    return hashlib.md5(
        json.dumps(list(activity_ids), separators=(",", ":")).encode(), usedforsecurity=False
    ).hexdigest()


def response_etag(data: Any) -> str:
    """The framework's quoted ETag of a reply: ``"md5(json)"`` (the capabilities answer, contract §10)."""
    return '"' + hashlib.md5(php_json(data), usedforsecurity=False).hexdigest() + '"'


def php_urlencode(value: str) -> str:
    """PHP ``urlencode``: like ``quote_plus`` with nothing safe but ``-_.`` (PHP encodes ``~``)."""
    return quote_plus(value, safe="").replace("~", "%7E")


def link_next(
    *,
    scheme: str,
    host: str,
    path: str,
    since: int,
    limit: int,
    sort: str,
    object_type: str = "",
    object_id: int = 0,
    format_param: str | None = None,
) -> str:
    """The ``Link`` header of the next page: since, limit (as requested), sort, the object, then format."""
    params: list[tuple[str, str]] = [("since", str(since)), ("limit", str(limit)), ("sort", sort)]
    if object_type and object_id:
        params += [("object_type", object_type), ("object_id", str(object_id))]
    if format_param is not None:
        params.append(("format", format_param))
    query = "&".join(f"{php_urlencode(key)}={php_urlencode(value)}" for key, value in params)
    return f'<{scheme}://{host}{path}?{query}>; rel="next"'
