import io
import json

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity
from tests.factories import UserFactory, WopiFileFactory, WopiShareFactory, WopiUserInfoFactory
from tests.wopi.conftest import CONTRACT_DIR, token_for
from wopi.models import WopiFile, WopiUserInfo
from wopi.tokens import now_ms

pytestmark = pytest.mark.django_db

WWW_AUTHENTICATE = 'Bearer realm="WOPI"'


def cspp_schema():
    return json.loads((CONTRACT_DIR / "validator" / "CsppCheckFileInfoSchema.json").read_text(encoding="utf-8-sig"))


def test_check_file_info_describes_the_file_for_its_owner(wopi, wopi_file, owner, owner_token):
    response = wopi.check_file_info(wopi_file, token=owner_token)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {
        "BaseFileName": "report.wopitest",
        "OwnerId": str(owner.pk),
        "UserId": str(owner.pk),
        "Size": 5,
        "Version": "1",
        "UserFriendlyName": "Ann",
        "LastModifiedTime": body["LastModifiedTime"],
        "HostName": "ActivityHub",
        "UserCanWrite": True,
        "UserCanRename": True,
        "UserCanNotWriteRelative": False,
        "ReadOnly": False,
        "SupportsUpdate": True,
        "SupportsLocks": True,
        "SupportsGetLock": True,
        "SupportsExtendedLockLength": True,
        "SupportsRename": True,
        "SupportsDeleteFile": True,
        "SupportsUserInfo": True,
        "SupportsAddActivities": True,
        "SupportsGetActivities": True,
        "SupportedActivityTypes": ["comment", "mention"],
        "HostViewUrl": f"http://testserver/wopi/open/{wopi_file.pk}?action=view",
        "HostEditUrl": f"http://testserver/wopi/open/{wopi_file.pk}?action=edit",
    }
    assert int(response["Content-Length"]) == len(response.content)
    jsonschema.validate(body, cspp_schema())


def test_check_file_info_for_a_reader_says_they_may_not_write(wopi, wopi_file):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader, can_write=False)
    WopiUserInfoFactory(user=reader, info="reader state")

    response = wopi.check_file_info(wopi_file, token=token_for(reader, wopi_file))

    assert response.status_code == 200
    body = response.json()
    assert (body["UserId"], body["OwnerId"]) == (str(reader.pk), str(wopi_file.owner_id))
    assert (body["UserCanWrite"], body["ReadOnly"], body["UserInfo"]) == (False, True, "reader state")
    jsonschema.validate(body, cspp_schema())


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "00" * 40, "zz"],
    ids=["missing", "not-hex", "hex-but-not-signed", "odd"],
)
def test_a_missing_or_invalid_token_is_401_with_an_empty_body(wopi, wopi_file, token):
    response = wopi.check_file_info(wopi_file, token=token)

    assert response.status_code == 401
    assert response.content == b""
    assert response["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert response["X-WOPI-ServerError"]


def test_a_tampered_token_is_401(wopi, wopi_file, owner_token):
    tampered = owner_token[:-2] + ("00" if owner_token[-2:] != "00" else "11")

    response = wopi.check_file_info(wopi_file, token=tampered)

    assert response.status_code == 401


def test_an_expired_token_is_401(wopi, wopi_file, owner):
    token = token_for(owner, wopi_file, expires_ms=now_ms() - 1)

    response = wopi.check_file_info(wopi_file, token=token)

    assert response.status_code == 401
    assert response.content == b""


def test_a_token_of_another_file_is_401_even_on_an_unknown_file_id(wopi, wopi_file, owner):
    other = WopiFileFactory(owner=owner)
    token = token_for(owner, other)

    on_this_file = wopi.check_file_info(wopi_file, token=token)
    on_unknown = wopi.call("GET", "00000000-0000-0000-0000-000000000000", token=token)

    assert on_this_file.status_code == 401
    assert on_unknown.status_code == 401


def test_a_token_of_a_deleted_file_is_404(wopi, wopi_file, owner_token):
    file_id = wopi_file.pk
    wopi_file.delete()

    response = wopi.call("GET", file_id, token=owner_token)

    assert response.status_code == 404
    assert response.content == b""


def test_another_users_file_is_404_and_says_nothing_about_it(wopi, wopi_file):
    stranger = UserFactory()
    token = token_for(stranger, wopi_file)

    info = wopi.check_file_info(wopi_file, token=token)
    contents = wopi.call("GET", wopi_file.pk, "/contents", token=token)
    activities = wopi.post(wopi_file, "GET_ACTIVITIES", {"Top": 5}, token=token, suffix="/activities")

    assert [info.status_code, contents.status_code, activities.status_code] == [404, 404, 404]
    assert info.content == contents.content == activities.content == b""


def test_a_token_of_an_inactive_user_is_401(wopi, wopi_file, owner, owner_token):
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    response = wopi.check_file_info(wopi_file, token=owner_token)

    assert response.status_code == 401


def test_the_bearer_header_is_accepted_when_the_url_has_no_token(client, wopi_file, owner_token):
    response = client.get(f"/wopi/files/{wopi_file.pk}", HTTP_AUTHORIZATION=f"Bearer {owner_token}")

    assert response.status_code == 200
    assert response.json()["BaseFileName"] == "report.wopitest"


def test_get_file_returns_exactly_the_bytes_and_the_version(wopi, owner):
    data = "Zoë 📄 \u202eRTL".encode() + bytes(range(256))
    wopi_file = WopiFileFactory(owner=owner, content__data=data)

    response = wopi.call("GET", wopi_file.pk, "/contents", token=token_for(owner, wopi_file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["X-WOPI-ItemVersion"] == "1"
    assert response["Content-Type"] == "application/octet-stream"
    assert int(response["Content-Length"]) == len(data)


def test_get_file_honours_max_expected_size(wopi, wopi_file, owner_token):
    too_small = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token, headers={"X-WOPI-MaxExpectedSize": "4"})
    enough = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token, headers={"X-WOPI-MaxExpectedSize": "5"})
    garbage = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token, headers={"X-WOPI-MaxExpectedSize": "x"})

    assert (too_small.status_code, enough.status_code, garbage.status_code) == (412, 200, 400)


@pytest.mark.parametrize(
    ("limit", "status"),
    [
        ("9" * 5000, 200),
        ("0" * 5000 + "4", 412),
        ("99999999999999999999", 200),
        ("١٢", 400),
        ("-1", 400),
        ("5.0", 400),
    ],
    ids=["thousands-of-digits", "thousands-of-leading-zeros", "past-int64", "non-ascii-digits", "negative", "decimal"],
)
def test_odd_max_expected_sizes_are_a_number_or_a_400(wopi, wopi_file, owner_token, limit, status):
    response = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token, headers={"X-WOPI-MaxExpectedSize": limit})

    assert response.status_code == status


def test_rate_limit_answers_429_with_retry_after_per_token(wopi, wopi_file, owner, owner_token, settings):
    settings.WOPI_RATE_LIMIT_PER_MINUTE = 2
    other_token = token_for(owner, wopi_file, expires_ms=now_ms() + 60_000)

    statuses = [wopi.check_file_info(wopi_file, token=owner_token).status_code for _ in range(3)]
    limited = wopi.check_file_info(wopi_file, token=owner_token)
    other = wopi.check_file_info(wopi_file, token=other_token)

    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.content == b""
    assert other.status_code == 200


def test_the_rate_counter_counts_every_request_once_even_when_another_process_opens_the_window(settings, monkeypatch):
    from django.core.cache import cache

    from wopi import ratelimit

    class RivalOpensTheWindow:
        """The first incr finds no key; a rival request then opens the window before our add."""

        rival_done = False

        def incr(self, key):
            if not self.rival_done:
                self.rival_done = True
                cache.add(key, 1, timeout=120)
                raise ValueError(key)
            return cache.incr(key)

        def add(self, key, value, timeout):
            return cache.add(key, value, timeout=timeout)

    settings.WOPI_RATE_LIMIT_PER_MINUTE = 3
    monkeypatch.setattr(ratelimit, "cache", RivalOpensTheWindow())

    waits = [ratelimit.rate_limit_hit(token="t-race") for _ in range(3)]  # the rival's request was the first

    assert waits[:2] == [None, None]
    assert waits[2] is not None
    assert 1 <= waits[2] <= 60


def test_wopi_token_command_prints_a_working_token_with_its_expiry(wopi, wopi_file, owner):
    out = io.StringIO()

    call_command("wopi_token", "ANN", str(wopi_file.pk), stdout=out)

    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"access_token", "access_token_ttl", "expires"}
    assert int(lines["access_token_ttl"]) > now_ms()
    assert wopi.check_file_info(wopi_file, token=lines["access_token"]).status_code == 200


def test_wopi_token_command_refuses_a_file_the_user_cannot_open(wopi_file):
    UserFactory(username="bob")

    with pytest.raises(CommandError, match="cannot open"):
        call_command("wopi_token", "bob", str(wopi_file.pk), stdout=io.StringIO())


OPERATIONS = {
    "check_file_info": ("GET", "", None, b"", {}),
    "get_file": ("GET", "/contents", None, b"", {}),
    "put_file": ("POST", "/contents", "PUT", b"new bytes", {}),
    "lock": ("POST", "", "LOCK", b"", {"X-WOPI-Lock": "L1"}),
    "get_lock": ("POST", "", "GET_LOCK", b"", {}),
    "refresh_lock": ("POST", "", "REFRESH_LOCK", b"", {"X-WOPI-Lock": "L1"}),
    "unlock": ("POST", "", "UNLOCK", b"", {"X-WOPI-Lock": "L1"}),
    "put_relative": ("POST", "", "PUT_RELATIVE", b"copy", {"X-WOPI-SuggestedTarget": ".docx"}),
    "rename": ("POST", "", "RENAME_FILE", b"", {"X-WOPI-RequestedName": "renamed", "X-WOPI-Lock": ""}),
    "delete": ("POST", "", "DELETE", b"", {}),
    "put_user_info": ("POST", "", "PUT_USER_INFO", b"state", {}),
    "add_activities": (
        "POST",
        "/activities",
        "ADD_ACTIVITIES",
        json.dumps({"Activities": [{"Type": "comment", "Id": "00000000-0000-0000-0000-000000000001"}]}).encode(),
        {},
    ),
    "get_activities": ("POST", "/activities", "GET_ACTIVITIES", b'{"Top": 5}', {}),
}
WRITES = {"put_file", "lock", "get_lock", "refresh_lock", "unlock", "rename", "delete"}


def _credential(kind, wopi_file):
    """A token of each kind that must not work on ``wopi_file``, and the status the contract gives it (§6)."""
    if kind == "missing":
        return "", 401
    if kind == "forged":
        return "ab" * 60, 401
    if kind == "expired":
        return token_for(wopi_file.owner, wopi_file, expires_ms=now_ms() - 1), 401
    if kind == "other_file":
        return token_for(wopi_file.owner, WopiFileFactory(owner=wopi_file.owner)), 401
    if kind == "inactive_user":
        user = UserFactory(is_active=False)
        WopiShareFactory(file=wopi_file, user=user, can_write=True)
        return token_for(user, wopi_file), 401
    stranger = UserFactory()
    return token_for(stranger, wopi_file), 404


def _state(wopi_file):
    wopi_file.refresh_from_db()
    return (
        (wopi_file.name, wopi_file.version, wopi_file.size, wopi_file.lock_id),
        WopiFile.objects.count(),
        Activity.objects.count(),
        WopiUserInfo.objects.count(),
    )


@pytest.mark.parametrize("kind", ["missing", "forged", "expired", "other_file", "inactive_user", "stranger"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_operation_refuses_a_bad_credential_with_an_empty_answer_and_changes_nothing(
    wopi, wopi_file, owner_token, operation, kind
):
    wopi.post(wopi_file, "LOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})
    token, status = _credential(kind, wopi_file)
    before = _state(wopi_file)
    method, suffix, override, body, headers = OPERATIONS[operation]

    response = wopi.call(method, wopi_file.pk, suffix, token=token, override=override, body=body, headers=headers)

    assert (response.status_code, response.content) == (status, b"")
    assert response.get("WWW-Authenticate") == (WWW_AUTHENTICATE if status == 401 else None)
    assert "X-WOPI-Lock" not in response
    assert _state(wopi_file) == before


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_a_reader_may_not_make_any_write_and_learns_no_lock(wopi, wopi_file, owner_token, operation):
    wopi.post(wopi_file, "LOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader, can_write=False)
    before = _state(wopi_file)
    method, suffix, override, body, headers = OPERATIONS[operation]

    response = wopi.call(
        method, wopi_file.pk, suffix, token=token_for(reader, wopi_file), override=override, body=body, headers=headers
    )

    assert (response.status_code, response.content) == (401, b"")
    assert response["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert "X-WOPI-Lock" not in response
    assert _state(wopi_file) == before
