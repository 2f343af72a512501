"""Replays the official WOPI validator's test cases (validator/TestCases.xml) against the host, in-process.

This follows microsoft/wopi-validator-core: each request kind becomes the HTTP request V sends (URL with
``access_token`` and ``access_token_ttl``, ``Authorization: Bearer``, ``X-WOPI-Override`` and the kind's
headers, no Content-Type), validators judge the response as V's do (no validators: status 200), ``SaveState``
keeps values for later ``OverrideUrl="$State:..."`` requests, cleanup requests run after the case whatever
happened, and a group's prereq cases run before each of its cases (a failing prereq fails the case). Every
response's Content-Length must match its body, as V checks.
"""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import jsonschema

from tests.wopi.conftest import CONTRACT_DIR
from tests.wopi.proofkit import ticks

TEST_CASES = CONTRACT_DIR / "validator" / "TestCases.xml"
SCHEMAS = {
    "CsppCheckFileInfoSchema": CONTRACT_DIR / "validator" / "CsppCheckFileInfoSchema.json",
    "CsppPlusCheckFileInfoSchema": CONTRACT_DIR / "validator" / "CsppPlusCheckFileInfoSchema.json",
}
INVALID_PROOF = base64.b64encode(b"INVALID").decode()
_UTF7_DIRECT = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'(),-./:? \t\r\n")


def load_tree() -> ET.Element:
    return ET.parse(TEST_CASES).getroot()  # noqa: S314 - the project's own fixture file


def group_cases(root: ET.Element, group_name: str) -> tuple[list[str], list[ET.Element]]:
    group = next(g for g in root.iter("TestGroup") if g.get("Name") == group_name)
    prereqs = [p.text or "" for p in group.iter("PrereqTest")]
    return prereqs, [case for case in group.find("TestCases") if case.tag == "TestCase"]


def prereq_cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("Name", ""): case for case in root.find("PrereqCases") if case.tag == "TestCase"}


def resource_bytes(resource_id: str) -> bytes:
    """Stand-ins for V's resource files: opaque bytes per resource, empty for the zero-byte ones."""
    if "ZeroByte" in resource_id:
        return b""
    return f"validator resource {resource_id}\n".encode() * 3


def utf7_dotnet(text: str) -> str:
    """UTF-7 as .NET's Encoding.UTF7 writes it: the optional direct characters (``_`` too) in base64."""
    out, run = [], ""

    def flush() -> None:
        nonlocal run
        if run:
            out.append("+" + base64.b64encode(run.encode("utf-16-be")).decode().rstrip("=") + "-")
            run = ""

    for char in text:
        if char in _UTF7_DIRECT:
            flush()
            out.append(char)
        elif char == "+":
            flush()
            out.append("+-")
        else:
            run += char
    flush()
    return "".join(out)


def url_key_value_encode(value: str) -> str:
    return quote(value, safe="")


def _select(document, path: str):
    node = document
    for part in re.findall(r"[^.\[\]]+|\[-?\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or not -len(node) <= index < len(node):
                return None
            node = node[index]
        else:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
    return node


def _empty(value) -> bool:
    return value is None or value in ("", [], {})


def _as_string(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Replayer:
    """Runs cases for one file and token, as V does when given that WOPISrc and token."""

    client: object
    file_id: str
    token: str
    ttl: int
    keys: tuple | None = None
    sent: list[tuple[str, str]] = field(default_factory=list)

    def base_url(self) -> str:
        return (
            f"http://testserver/wopi/files/{self.file_id}?access_token={url_key_value_encode(self.token)}"
            f"&access_token_ttl={self.ttl}"
        )

    def run_case(self, case: ET.Element, prereqs: list[ET.Element] = ()) -> list[str]:
        """The failures of one case (empty: it passes), its prereqs first."""
        for prereq in prereqs:
            failures = self._run_requests(prereq, {})
            if failures:
                return [f"prereq {prereq.get('Name')}: {failure}" for failure in failures]
        state: dict[str, str] = {}
        try:
            return self._run_requests(case, state)
        finally:
            cleanup = case.find("CleanupRequests")
            for request in cleanup if cleanup is not None else []:
                self._execute(request, state)

    def _run_requests(self, case: ET.Element, state: dict[str, str]) -> list[str]:
        for request in case.find("Requests"):
            failures = self._execute(request, state)
            if failures:
                return [f"{request.tag}: {failure}" for failure in failures]
        return []

    def _request_url(self, element: ET.Element, state: dict[str, str], suffix: str) -> str:
        override = element.get("OverrideUrl")
        if override:
            key = override.removeprefix("$State:")
            if key not in state:
                raise LookupError(f"OverrideUrl {override} not in state")
            parts = urlsplit(state[key])
            return urlunsplit(parts._replace(path=parts.path + suffix))
        parts = urlsplit(self.base_url())
        return urlunsplit(parts._replace(path=parts.path + suffix))

    def _execute(self, element: ET.Element, state: dict[str, str]) -> list[str]:
        kind = element.tag
        lock = element.get("Lock")
        headers: dict[str, str] = {}
        body = b""
        method, suffix, override = "POST", "", None
        if kind == "CheckFileInfo":
            method = "GET"
        elif kind == "GetFile":
            method, suffix = "GET", "/contents"
        elif kind == "PutFile":
            suffix, override = "/contents", "PUT"
            body = resource_bytes(element.get("ResourceId", ""))
            if lock is not None:
                headers["X-WOPI-Lock"] = lock
        elif kind in ("Lock", "Unlock", "RefreshLock", "GetLock"):
            override = {"Lock": "LOCK", "Unlock": "UNLOCK", "RefreshLock": "REFRESH_LOCK", "GetLock": "GET_LOCK"}[kind]
            if lock is not None:
                headers["X-WOPI-Lock"] = lock
        elif kind == "UnlockAndRelock":
            override = "LOCK"
            headers["X-WOPI-Lock"] = element.get("NewLock", "")
            headers["X-WOPI-OldLock"] = element.get("OldLock", "")
        elif kind == "PutRelativeFile":
            override = "PUT_RELATIVE"
            body = resource_bytes(element.get("ResourceId", ""))
            headers["X-WOPI-Size"] = str(len(body))
            name = utf7_dotnet(element.get("Name", ""))
            mode = element.get("PutRelativeFileMode", "").lower()
            if mode in ("suggested", "conflicting"):
                headers["X-WOPI-SuggestedTarget"] = name
            if mode in ("exactname", "conflicting"):
                headers["X-WOPI-RelativeTarget"] = name
            if mode == "exactname" and element.get("OverwriteRelative") is not None:
                headers["X-WOPI-OverwriteRelativeTarget"] = element.get("OverwriteRelative").capitalize()
        elif kind == "RenameFile":
            override = "RENAME_FILE"
            headers["X-WOPI-RequestedName"] = utf7_dotnet(element.get("Name", ""))
            headers["X-WOPI-Lock"] = lock or ""
        elif kind == "DeleteFile":
            override = "DELETE"
            if not element.get("OverrideUrl"):
                return []  # V never deletes the file under test
        elif kind in ("PutUserInfo", "AddActivities"):
            override = {"PutUserInfo": "PUT_USER_INFO", "AddActivities": "ADD_ACTIVITIES"}[kind]
            request_body = element.find("RequestBody")
            body = (request_body.text or "").strip().encode() if request_body is not None else b""
        else:
            return [f"request kind {kind} is not replayed"]
        try:
            url = self._request_url(element, state, suffix)
        except LookupError as exc:
            return [str(exc)]
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        token = query.get("access_token", "")
        mutators = element.find("Mutators")
        token_mutator = mutators.find("AccessToken") if mutators is not None else None
        if token_mutator is not None:
            token = token_mutator.get("Mutation") or "mutated"
            query["access_token"] = token
            url = urlunsplit(urlsplit(url)._replace(query=urlencode(query, quote_via=quote)))
        if override:
            headers["X-WOPI-Override"] = override
        if self.keys is not None:
            headers |= self._proof_headers(token, url, mutators.find("ProofKey") if mutators is not None else None)
        headers["Authorization"] = f"Bearer {token}"
        response = self._send(method, url, headers, body)
        self.sent.append((kind, url))
        failures = self._validate(element, response, state)
        if not failures:
            self._save_state(element, response, state)
        return failures

    def _proof_headers(self, token: str, url: str, mutator: ET.Element | None) -> dict[str, str]:
        from tests.wopi.proofkit import sign

        current, old = self.keys
        timestamp = ticks()
        if mutator is not None and mutator.get("Timestamp"):
            moment = datetime.fromisoformat(mutator.get("Timestamp").replace("Z", "+00:00")).astimezone(UTC)
            timestamp = ticks(moment)
        proof = {
            "X-WOPI-Proof": sign(current, token=token, url=url, timestamp=timestamp),
            "X-WOPI-ProofOld": sign(old, token=token, url=url, timestamp=timestamp),
            "X-WOPI-TimeStamp": str(timestamp),
        }
        if mutator is None:
            return proof
        relation = mutator.get("KeyRelation", "Synced")
        if relation == "Behind":
            proof["X-WOPI-Proof"], proof["X-WOPI-ProofOld"] = proof["X-WOPI-ProofOld"], INVALID_PROOF
        elif relation == "Ahead":
            proof["X-WOPI-ProofOld"], proof["X-WOPI-Proof"] = proof["X-WOPI-Proof"], INVALID_PROOF
        else:
            if mutator.get("MutateCurrent") == "true":
                proof["X-WOPI-Proof"] = INVALID_PROOF
            if mutator.get("MutateOld") == "true":
                proof["X-WOPI-ProofOld"] = INVALID_PROOF
        return proof

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes) -> Response:
        parts = urlsplit(url)
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        raw = self.client.generic(method, f"{parts.path}?{parts.query}", data=body, content_type="", **extra)
        content = b"".join(raw.streaming_content) if raw.streaming else raw.content
        return Response(raw.status_code, dict(raw.headers.items()), content)

    def _save_state(self, element: ET.Element, response: Response, state: dict[str, str]) -> None:
        saver = element.find("SaveState")
        for entry in saver if saver is not None else []:
            source = entry.get("Source", "")
            if entry.get("SourceType", "").lower() == "header":
                value = response.header(source)
            else:
                try:
                    value = _select(json.loads(response.body), source)
                except ValueError:
                    value = None
            if value is not None:
                state[entry.get("Name", "")] = _as_string(value)

    def _validate(self, element: ET.Element, response: Response, state: dict[str, str]) -> list[str]:
        failures = []
        length = response.header("Content-Length")
        if length is not None and int(length) != len(response.body):
            failures.append(f"Content-Length {length} but {len(response.body)} bytes")
        validators = element.find("Validators")
        default = [ET.Element("ResponseCodeValidator", ExpectedCode="200")]
        checks = list(validators) if validators is not None else default
        for check in checks:
            failures.extend(self._check(check, response, state))
        return failures

    def _check(self, check: ET.Element, response: Response, state: dict[str, str]) -> list[str]:
        tag = check.tag
        if tag == "ResponseCodeValidator":
            expected = int(check.get("ExpectedCode"))
            return [] if response.status == expected else [f"status {response.status}, expected {expected}"]
        if tag == "Or":
            results = [self._check(child, response, state) for child in check]
            return [] if any(not r for r in results) else [f"none of Or: {results}"]
        if tag == "And":
            return [failure for child in check for failure in self._check(child, response, state)]
        if tag == "LockMismatchValidator":
            expected = check.get("ExpectedLock")
            failures = [] if response.status == 409 else [f"status {response.status}, expected 409"]
            return failures + self._header(response, "X-WOPI-Lock", expected, None, bool(expected), True, state)
        if tag == "ResponseHeaderValidator":
            return self._header(
                response,
                check.get("Header"),
                check.get("ExpectedValue"),
                check.get("ExpectedStateKey"),
                check.get("IsRequired", "true") == "true",
                check.get("ShouldMatch", "true") == "true",
                state,
            )
        if tag == "ResponseContentValidator":
            expected = resource_bytes(check.get("ExpectedResourceId", ""))
            return [] if response.body == expected else [f"body differs from {check.get('ExpectedResourceId')}"]
        if tag == "JsonSchemaValidator":
            try:
                schema = json.loads(SCHEMAS[check.get("Schema")].read_text(encoding="utf-8-sig"))
                jsonschema.validate(json.loads(response.body), schema)
            except (ValueError, jsonschema.ValidationError) as exc:
                return [f"schema {check.get('Schema')}: {str(exc)[:200]}"]
            return []
        if tag == "JsonResponseContentValidator":
            try:
                document = json.loads(response.body)
            except ValueError:
                return [f"body is not JSON (status {response.status})"]
            if not isinstance(document, dict):
                return ["body is not a JSON object"]
            return [failure for prop in check for failure in self._property(prop, document, state)]
        return [f"validator {tag} is not replayed"]

    @staticmethod
    def _header(response, name, expected, state_key, required, should_match, state) -> list[str]:
        value = response.header(name)
        if value is None:
            return [f"header {name} missing"] if required else []
        if state_key and state.get(state_key):
            expected = state[state_key]
        if expected is None:
            return []
        if not should_match and value == "" and expected == "":
            return [f"header {name} should be non-empty"]
        matches = value.lower() == expected.lower()
        if should_match and not matches:
            return [f"header {name} is {value!r}, expected {expected!r}"]
        if not should_match and matches:
            return [f"header {name} should not be {expected!r}"]
        return []

    @staticmethod
    def _property(prop: ET.Element, document, state) -> list[str]:
        name = prop.get("Name", "")
        value = _select(document, name)
        required = prop.get("IsRequired", "false") == "true"
        expected = prop.get("ExpectedValue")
        state_key = prop.get("ExpectedStateKey")
        if state_key and state.get(state_key):
            expected = state[state_key]
        kind = prop.tag
        if kind == "StringRegexProperty":
            if value is None and not required:
                return []
            matched = value is not None and re.search(prop.get("ExpectedValue", ""), _as_string(value)) is not None
            should = prop.get("ShouldMatch", "true") == "true"
            return [] if matched == should else [f"{name}={value!r} regex {prop.get('ExpectedValue')!r}"]
        if _empty(value):
            if kind == "StringProperty" and prop.get("ShouldMatch", "true") == "false":
                return []
            return [f"{name} required but missing"] if required else []
        if kind == "AbsoluteUrlProperty":
            parts = urlsplit(str(value))
            if not parts.scheme or not parts.netloc:
                return [f"{name}={value!r} is not an absolute URL"]
            if prop.get("MustIncludeAccessToken") == "true" and "access_token" not in dict(parse_qsl(parts.query)):
                return [f"{name} has no access_token"]
            return []
        if kind == "StringProperty" and prop.get("EndsWith") and not _as_string(value).endswith(prop.get("EndsWith")):
            return [f"{name}={value!r} does not end with {prop.get('EndsWith')!r}"]
        if expected is None:
            return []
        if kind == "BooleanProperty":
            ok = isinstance(value, bool) and value == (expected.lower() == "true")
        elif kind in ("IntegerProperty", "LongProperty"):
            ok = isinstance(value, int) and not isinstance(value, bool) and value == int(expected)
        else:
            ok = _as_string(value) == expected
            if prop.get("ShouldMatch", "true") == "false":
                ok = not ok
        return [] if ok else [f"{name}={value!r}, expected {expected!r}"]
