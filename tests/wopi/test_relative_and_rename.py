from urllib.parse import parse_qs, urlsplit

import pytest

from activities.models import Activity, StreamEntry
from tests.factories import UserFactory, WopiFileFactory, WopiShareFactory
from tests.wopi.conftest import token_for
from wopi.models import WopiFile
from wopi.names import utf7_decode, utf7_encode
from wopi.tokens import access_token_mint, access_token_read, now_ms

pytestmark = pytest.mark.django_db


def put_relative(wopi, f, token, body=b"copy", **headers):
    return wopi.post(f, "PUT_RELATIVE", body, token=token, headers=headers)


def suggested(name):
    return {"X-WOPI-SuggestedTarget": utf7_encode(name)}


def relative(name, overwrite=None):
    extra = {} if overwrite is None else {"X-WOPI-OverwriteRelativeTarget": overwrite}
    return {"X-WOPI-RelativeTarget": utf7_encode(name)} | extra


def rename(wopi, f, token, name, lock=""):
    return wopi.post(
        f, "RENAME_FILE", token=token, headers={"X-WOPI-RequestedName": utf7_encode(name), "X-WOPI-Lock": lock}
    )


def token_of(url):
    return parse_qs(urlsplit(url).query)["access_token"][0]


def content_of(wopi_file):
    wopi_file.refresh_from_db()
    with wopi_file.content.open("rb") as handle:
        return handle.read()


def test_put_relative_with_a_suggested_extension_creates_a_copy_and_answers_a_working_url(
    wopi, wopi_file, owner, owner_token
):
    response = put_relative(wopi, wopi_file, owner_token, b"new bytes", **suggested(".wopitestx"))

    assert response.status_code == 200
    created = WopiFile.objects.exclude(pk=wopi_file.pk).get()
    body = response.json()
    page = f"http://testserver/wopi/open/{created.pk}"
    assert body == {
        "Name": "report.wopitestx",
        "Url": body["Url"],
        "HostViewUrl": f"{page}?action=view",
        "HostEditUrl": f"{page}?action=edit",
    }
    assert body["Url"].startswith(f"http://testserver/wopi/files/{created.pk}?access_token=")
    assert (created.owner, created.name, created.size, created.version) == (owner, "report.wopitestx", 9, 1)
    assert content_of(created) == b"new bytes"
    assert content_of(wopi_file) == b"hello"
    new_token = token_of(body["Url"])
    info = wopi.call("GET", created.pk, token=new_token)
    assert (info.status_code, info.json()["BaseFileName"]) == (200, "report.wopitestx")


def test_the_new_token_expires_when_the_calling_token_does(wopi, wopi_file, owner):
    expires = now_ms() + 120_000
    token = access_token_mint(user_id=owner.pk, file_id=str(wopi_file.pk), expires_ms=expires).token

    response = put_relative(wopi, wopi_file, token, **suggested("copy.wopitest"))

    grant = access_token_read(token_of(response.json()["Url"]))
    assert (grant.user_id, grant.expires_ms) == (owner.pk, expires)
    assert grant.file_id != str(wopi_file.pk)


def test_a_suggested_name_that_is_taken_is_numbered_and_never_refused(wopi, wopi_file, owner, owner_token):
    WopiFileFactory(owner=owner, name="Madeup.wopitest")

    first = put_relative(wopi, wopi_file, owner_token, **suggested("madeup.wopitest"))
    second = put_relative(wopi, wopi_file, owner_token, **suggested("madeup.wopitest"))

    assert (first.status_code, first.json()["Name"]) == (200, "madeup (2).wopitest")
    assert (second.status_code, second.json()["Name"]) == (200, "madeup (3).wopitest")


@pytest.mark.parametrize(
    ("suggestion", "name"),
    [
        ("a/b\\c\x01.docx", "a_b_c_.docx"),
        ("   .docx", "report.docx"),
        ("", "report (2).wopitest"),
        ("x" * 600 + ".docx", "x" * 242 + ".docx"),
        ("Zoë ☃ 📄.docx", "Zoë ☃ 📄.docx"),
        ("no-extension", "no-extension"),
    ],
    ids=["illegal-characters", "blank-stem", "empty", "too-long", "unicode", "no-extension"],
)
def test_a_suggested_name_is_made_legal(wopi, wopi_file, owner_token, suggestion, name):
    response = put_relative(wopi, wopi_file, owner_token, **suggested(suggestion))

    assert (response.status_code, response.json()["Name"]) == (200, name)
    assert WopiFile.objects.filter(name=name).exists()


def test_a_specific_name_is_used_exactly(wopi, wopi_file, owner_token):
    response = put_relative(wopi, wopi_file, owner_token, **relative("madeup_name.wopitestx"))

    assert (response.status_code, response.json()["Name"]) == (200, "madeup_name.wopitestx")


def test_a_taken_specific_name_is_409_with_a_valid_target_and_changes_nothing(wopi, wopi_file, owner, owner_token):
    taken = WopiFileFactory(owner=owner, name="taken.wopitestx")

    no_header = put_relative(wopi, wopi_file, owner_token, **relative("TAKEN.wopitestx"))
    refused = put_relative(wopi, wopi_file, owner_token, **relative("taken.wopitestx", overwrite="false"))

    for response in (no_header, refused):
        assert response.status_code == 409
        assert response.content == b""
        assert utf7_decode(response["X-WOPI-ValidRelativeTarget"]) in ("TAKEN (2).wopitestx", "taken (2).wopitestx")
    assert WopiFile.objects.count() == 2
    assert (content_of(taken), taken.version) == (b"hello", 1)


def test_overwrite_replaces_the_taken_file_as_a_new_version(wopi, wopi_file, owner, owner_token):
    taken = WopiFileFactory(owner=owner, name="taken.wopitestx")

    response = put_relative(wopi, wopi_file, owner_token, b"replaced", **relative("taken.wopitestx", overwrite="True"))

    assert response.status_code == 200
    assert response.json()["Name"] == "taken.wopitestx"
    assert response.json()["Url"].startswith(f"http://testserver/wopi/files/{taken.pk}?access_token=")
    taken.refresh_from_db()
    assert (content_of(taken), taken.version, WopiFile.objects.count()) == (b"replaced", 2, 2)


def test_overwriting_a_locked_file_is_409_with_its_lock(wopi, wopi_file, owner, owner_token):
    taken = WopiFileFactory(owner=owner, name="taken.wopitestx")
    wopi.post(taken, "LOCK", token=token_for(owner, taken), headers={"X-WOPI-Lock": "their-lock"})

    response = put_relative(wopi, wopi_file, owner_token, **relative("taken.wopitestx", overwrite="true"))

    assert (response.status_code, response["X-WOPI-Lock"]) == (409, "their-lock")
    assert (content_of(taken), taken.version) == (b"hello", 1)


@pytest.mark.parametrize(
    ("name", "valid"),
    [("a/b.docx", "a_b.docx"), ("x" * 530 + ".docx", "x" * 242 + ".docx"), ("   ", "Untitled")],
    ids=["slash", "too-long", "blank"],
)
def test_an_illegal_specific_name_is_400_with_a_valid_target(wopi, wopi_file, owner_token, name, valid):
    response = put_relative(wopi, wopi_file, owner_token, **relative(name))

    assert (response.status_code, response.content) == (400, b"")
    assert utf7_decode(response["X-WOPI-ValidRelativeTarget"]) == valid
    assert WopiFile.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-WOPI-SuggestedTarget": "a.docx", "X-WOPI-RelativeTarget": "a.docx"},
        {"X-WOPI-RelativeTarget": "+ZZZ"},
        {"X-WOPI-SuggestedTarget": "a.docx", "X-WOPI-Size": "99"},
        {"X-WOPI-SuggestedTarget": "a.docx", "X-WOPI-Size": "four"},
        {"X-WOPI-RelativeTarget": "a+2D0-b.docx"},
        {"X-WOPI-SuggestedTarget": "a+2D0-b.docx"},
        {"X-WOPI-SuggestedTarget": ".+3gA-"},
    ],
    ids=[
        "no-target",
        "both-targets",
        "bad-utf7",
        "size-mismatch",
        "size-not-a-number",
        "utf7-lone-surrogate-specific",
        "utf7-lone-surrogate-suggested",
        "utf7-lone-surrogate-extension",
    ],
)
def test_bad_put_relative_requests_are_400_and_create_nothing(wopi, wopi_file, owner_token, headers):
    response = put_relative(wopi, wopi_file, owner_token, b"four", **headers)

    assert (response.status_code, response.content) == (400, b"")
    assert response["X-WOPI-ServerError"]
    assert WopiFile.objects.count() == 1


def test_a_put_relative_body_past_the_size_limit_is_413(wopi, wopi_file, owner_token, settings):
    settings.WOPI_MAX_FILE_BYTES = 4

    response = put_relative(wopi, wopi_file, owner_token, b"12345", **suggested("big.docx"))

    assert response.status_code == 413
    assert WopiFile.objects.count() == 1


def test_a_raw_utf8_target_header_is_read_as_utf8(client, wopi_file, owner_token):
    raw = "Zoë.docx".encode().decode("latin-1")

    response = client.generic(
        "POST",
        f"/wopi/files/{wopi_file.pk}?access_token={owner_token}",
        data=b"x",
        content_type="",
        HTTP_X_WOPI_OVERRIDE="PUT_RELATIVE",
        HTTP_X_WOPI_RELATIVETARGET=raw,
    )

    assert (response.status_code, response.json()["Name"]) == (200, "Zoë.docx")


def test_a_reader_saves_a_copy_of_their_own_and_the_owner_hears_nothing(wopi, wopi_file, owner):
    reader = UserFactory(display_name="Rita")
    WopiShareFactory(file=wopi_file, user=reader)

    response = put_relative(wopi, wopi_file, token_for(reader, wopi_file), **suggested(".docx"))

    assert response.status_code == 200
    created = WopiFile.objects.get(owner=reader)
    assert created.name == "report.docx"
    activity = Activity.objects.get(type="file_created")
    assert (activity.actor, activity.object_id, activity.subject) == (
        reader,
        str(created.pk),
        "{actor} created {file} from {source}",
    )
    assert activity.subject_params["source"] == {
        "type": "file",
        "id": str(wopi_file.pk),
        "name": "report.wopitest",
        "path": "report.wopitest",
    }
    assert set(StreamEntry.objects.filter(activity=activity).values_list("user_id", flat=True)) == {reader.pk}


def test_put_relative_by_a_stranger_is_404_and_with_a_bad_token_401(wopi, wopi_file):
    stranger = put_relative(wopi, wopi_file, token_for(UserFactory(), wopi_file), **suggested("x.docx"))
    bad = put_relative(wopi, wopi_file, "garbage", **suggested("x.docx"))

    assert (stranger.status_code, stranger.content, bad.status_code) == (404, b"", 401)
    assert WopiFile.objects.count() == 1


def test_rename_keeps_the_extension_and_the_id_and_tells_the_owner(wopi, wopi_file, owner, owner_token):
    editor = UserFactory(display_name="Ed")
    WopiShareFactory(file=wopi_file, user=editor, can_write=True)

    response = rename(wopi, wopi_file, token_for(editor, wopi_file), "Zoë ☃ final")

    assert response.status_code == 200
    assert response.json() == {"Name": "Zoë ☃ final"}
    info = wopi.check_file_info(wopi_file, token=owner_token).json()
    assert info["BaseFileName"] == "Zoë ☃ final.wopitest"
    wopi_file.refresh_from_db()
    assert wopi_file.version == 1
    activity = Activity.objects.get(type="file_renamed")
    assert activity.subject == "{actor} renamed {old} to {file}"
    assert activity.subject_params["old"] == {"type": "highlight", "id": "old-name", "name": "report.wopitest"}
    assert activity.subject_params["file"]["name"] == "Zoë ☃ final.wopitest"
    audience = set(StreamEntry.objects.filter(activity=activity).values_list("user_id", flat=True))
    assert audience == {owner.pk, editor.pk}


def test_rename_to_a_taken_name_is_numbered_and_to_the_same_name_records_nothing(wopi, wopi_file, owner, owner_token):
    WopiFileFactory(owner=owner, name="Other.wopitest")

    taken = rename(wopi, wopi_file, owner_token, "other")
    again = rename(wopi, wopi_file, owner_token, "other (2)")

    assert (taken.status_code, taken.json()) == (200, {"Name": "other (2)"})
    assert (again.status_code, again.json()) == (200, {"Name": "other (2)"})
    assert Activity.objects.filter(type="file_renamed").count() == 1


def test_rename_makes_illegal_characters_legal(wopi, wopi_file, owner_token):
    response = rename(wopi, wopi_file, owner_token, "a/b\\c")

    assert response.json() == {"Name": "a_b_c"}


def test_rename_of_a_locked_file_needs_its_lock(wopi, wopi_file, owner_token):
    wopi.post(wopi_file, "LOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})

    without = rename(wopi, wopi_file, owner_token, "new")
    wrong = rename(wopi, wopi_file, owner_token, "new", lock="L2")
    right = rename(wopi, wopi_file, owner_token, "new", lock="L1")

    assert (without.status_code, without["X-WOPI-Lock"]) == (409, "L1")
    assert (wrong.status_code, wrong["X-WOPI-Lock"]) == (409, "L1")
    assert (right.status_code, right.json()) == (200, {"Name": "new"})


def test_rename_of_an_unlocked_file_ignores_a_stale_lock_header(wopi, wopi_file, owner_token):
    response = rename(wopi, wopi_file, owner_token, "new", lock="stale")

    assert (response.status_code, response.json()) == (200, {"Name": "new"})


@pytest.mark.parametrize(
    ("headers", "invalid_name_header"),
    [
        ({"X-WOPI-RequestedName": "   "}, True),
        ({}, False),
        ({"X-WOPI-RequestedName": "+ZZZ"}, False),
        ({"X-WOPI-RequestedName": "a+2D0-b"}, False),
    ],
    ids=["blank", "missing", "bad-utf7", "utf7-lone-surrogate"],
)
def test_bad_rename_requests_are_400_and_change_nothing(wopi, wopi_file, owner_token, headers, invalid_name_header):
    response = wopi.post(wopi_file, "RENAME_FILE", token=owner_token, headers=headers)

    assert (response.status_code, response.content) == (400, b"")
    assert ("X-WOPI-InvalidFileNameError" in response) is invalid_name_header
    wopi_file.refresh_from_db()
    assert wopi_file.name == "report.wopitest"


def test_a_reader_may_not_rename_and_a_stranger_gets_404(wopi, wopi_file):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)

    by_reader = rename(wopi, wopi_file, token_for(reader, wopi_file), "new")
    by_stranger = rename(wopi, wopi_file, token_for(UserFactory(), wopi_file), "new")

    assert (by_reader.status_code, by_stranger.status_code) == (401, 404)
    wopi_file.refresh_from_db()
    assert wopi_file.name == "report.wopitest"


def test_check_file_info_advertises_rename_only_to_writers(wopi, wopi_file, owner_token):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)

    mine = wopi.check_file_info(wopi_file, token=owner_token).json()
    theirs = wopi.check_file_info(wopi_file, token=token_for(reader, wopi_file)).json()

    flags = ("SupportsUpdate", "SupportsRename", "UserCanRename", "UserCanNotWriteRelative", "UserCanWrite")
    assert [mine[flag] for flag in flags] == [True, True, True, False, True]
    assert [theirs[flag] for flag in flags] == [True, True, False, False, False]
