"""The WOPI client's discovery XML (``WOPI_DISCOVERY_URL``): its action URLs and its proof keys.

The XML is read from a URL or, for tests and air-gapped sites, a file path; it is kept in the shared cache
for 12 hours (every process reads the same copy) and re-read sooner when a proof fails with the keys it
gave, because the client may have rotated them.
"""

from __future__ import annotations

import logging
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import defusedxml.ElementTree  # type: ignore[import-untyped]
from django.conf import settings
from django.core.cache import cache

from wopi.proof import ProofKeys, proof_keys_from_attributes, proof_keys_from_element

logger = logging.getLogger(__name__)

_CACHE_KEY = "wopi:discovery:xml"
_CACHE_SECONDS = 12 * 3600
_FETCH_TIMEOUT_SECONDS = 10
_MAX_XML_BYTES = 5 * 1024 * 1024
_PLACEHOLDER = re.compile(r"<([A-Za-z_]+)=([^&>]*)&?>")


@dataclass(frozen=True)
class Action:
    """One ``<action>`` of an ``<app>``: a name (view, edit...), a file extension and a URL template."""

    name: str
    ext: str
    urlsrc: str


@dataclass(frozen=True)
class Discovery:
    actions: tuple[Action, ...]
    proof_keys: ProofKeys | None


def _read(source: str) -> bytes:
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        # http(s) only, checked above: no file: or custom scheme reaches urlopen
        with urllib.request.urlopen(source, timeout=_FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            data: bytes = response.read(_MAX_XML_BYTES + 1)
    else:
        data = Path(source).read_bytes()[: _MAX_XML_BYTES + 1]
    if len(data) > _MAX_XML_BYTES:
        raise ValueError("discovery XML is too large")
    return data


def discovery_parse(xml: bytes) -> Discovery:
    """Actions and proof keys of a discovery document (``<wopi-discovery><net-zone><app><action>``)."""
    root = defusedxml.ElementTree.fromstring(xml)
    actions = tuple(
        Action(name=element.get("name", ""), ext=element.get("ext", "").lower(), urlsrc=element.get("urlsrc", ""))
        for element in root.iter("action")
        if element.get("urlsrc")
    )
    proof_element = root.find(".//proof-key")
    keys = proof_keys_from_attributes(dict(proof_element.attrib)) if proof_element is not None else None
    return Discovery(actions=actions, proof_keys=keys)


def discovery_get(*, refresh: bool = False) -> Discovery | None:
    """The configured client's discovery, or None when none is configured or it cannot be read (logged)."""
    source = settings.WOPI_DISCOVERY_URL
    if not source:
        return None
    xml = None if refresh else cache.get(_CACHE_KEY)
    if xml is None:
        try:
            xml = _read(source)
        except (OSError, ValueError) as exc:
            logger.warning("WOPI discovery could not be read from %s: %s", source, exc)
            return None
        cache.set(_CACHE_KEY, xml, _CACHE_SECONDS)
    try:
        return discovery_parse(xml)
    except (defusedxml.ElementTree.ParseError, defusedxml.DefusedXmlException, ValueError) as exc:
        logger.warning("WOPI discovery from %s is not valid: %s", source, exc)
        return None


def configured_proof_keys(*, refresh: bool = False) -> ProofKeys | None:
    """``WOPI_PROOF_KEYS`` when set, else the discovery's keys, else None (the proof check is off)."""
    if settings.WOPI_PROOF_KEYS.strip():
        return proof_keys_from_element(settings.WOPI_PROOF_KEYS)
    found = discovery_get(refresh=refresh)
    return found.proof_keys if found is not None else None


def action_url(*, discovery: Discovery, action: str, file_name: str, wopi_src: str, language: str) -> str | None:
    """The client URL that opens ``file_name`` for ``action`` with ``WOPISrc`` added, or None if none fits.

    Optional placeholders ``<name=VALUE&>`` are filled where the host knows the value (``UI_LLCC``,
    ``DC_LLCC``) and removed otherwise.
    """
    ext = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    match = next((a for a in discovery.actions if a.name == action and a.ext == ext), None)
    if match is None:
        return None

    def fill(placeholder: re.Match[str]) -> str:
        # <ui=UI_LLCC&>: the parameter's name, then the placeholder the host replaces by a value.
        if placeholder.group(2) in ("UI_LLCC", "DC_LLCC"):
            return f"{placeholder.group(1)}={quote(language)}&"
        return ""

    url = _PLACEHOLDER.sub(fill, match.urlsrc).rstrip("&?")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}WOPISrc={quote(wopi_src, safe='')}"
