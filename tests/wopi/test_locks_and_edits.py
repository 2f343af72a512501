import dataclasses
import threading

import pytest
from django.db import close_old_connections

from activities.models import Activity
from tests.factories import UserFactory, WopiShareFactory
from tests.wopi.conftest import token_for
from wopi.api import authentication
from wopi.models import WopiFile, WopiUserInfo
from wopi.selectors import file_access, token_reach

pytestmark = pytest.mark.django_db


def lock(wopi, f, token, lock_id, old=None):
    headers = {"X-WOPI-Lock": lock_id} | ({"X-WOPI-OldLock": old} if old is not None else {})
    return wopi.post(f, "LOCK", token=token, headers=headers)


def test_lock_get_lock_refresh_and_unlock(wopi, wopi_file, owner_token):
    taken = lock(wopi, wopi_file, owner_token, "L1")
    got = wopi.post(wopi_file, "GET_LOCK", token=owner_token)
    refreshed = wopi.post(wopi_file, "REFRESH_LOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})
    released = wopi.post(wopi_file, "UNLOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})
    after = wopi.post(wopi_file, "GET_LOCK", token=owner_token)

    assert (taken.status_code, taken["X-WOPI-ItemVersion"], "X-WOPI-Lock" in taken) == (200, "1", False)
    assert (got.status_code, got["X-WOPI-Lock"]) == (200, "L1")
    assert refreshed.status_code == released.status_code == 200
    assert (after.status_code, after["X-WOPI-Lock"]) == (200, "")


def test_lock_conflicts_are_409_with_the_current_lock(wopi, wopi_file, owner_token):
    lock(wopi, wopi_file, owner_token, "L1")

    other = lock(wopi, wopi_file, owner_token, "L2")
    bad_unlock = wopi.post(wopi_file, "UNLOCK", token=owner_token, headers={"X-WOPI-Lock": "L2"})
    bad_relock = lock(wopi, wopi_file, owner_token, "L3", old="L2")
    relock = lock(wopi, wopi_file, owner_token, "L3", old="L1")
    missing = wopi.post(wopi_file, "LOCK", token=owner_token)

    assert (other.status_code, other["X-WOPI-Lock"]) == (409, "L1")
    assert (bad_unlock.status_code, bad_unlock["X-WOPI-Lock"]) == (409, "L1")
    assert (bad_relock.status_code, bad_relock["X-WOPI-Lock"]) == (409, "L1")
    assert relock.status_code == 200
    assert missing.status_code == 400
    assert WopiFile.objects.get().lock_id == "L3"


def test_an_empty_old_lock_header_is_a_plain_lock(wopi, wopi_file, owner_token):
    taken = lock(wopi, wopi_file, owner_token, "L1", old="")
    again = lock(wopi, wopi_file, owner_token, "L2", old="")

    assert (taken.status_code, taken.content, taken["X-WOPI-ItemVersion"]) == (200, b"", "1")
    assert (again.status_code, again["X-WOPI-Lock"]) == (409, "L1")
    assert WopiFile.objects.get().lock_id == "L1"


def test_unlock_of_an_unlocked_file_is_409_with_an_empty_lock(wopi, wopi_file, owner_token):
    response = wopi.post(wopi_file, "UNLOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})

    assert (response.status_code, response["X-WOPI-Lock"]) == (409, "")


def test_put_file_needs_the_lock_and_raises_the_version(wopi, wopi_file, owner_token):
    unlocked = wopi.post(wopi_file, "PUT", b"new", token=owner_token, suffix="/contents")
    lock(wopi, wopi_file, owner_token, "L1")
    wrong = wopi.post(wopi_file, "PUT", b"new", token=owner_token, suffix="/contents", headers={"X-WOPI-Lock": "L2"})
    right = wopi.post(wopi_file, "PUT", b"new", token=owner_token, suffix="/contents", headers={"X-WOPI-Lock": "L1"})
    content = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token)

    assert (unlocked.status_code, unlocked["X-WOPI-Lock"]) == (409, "")
    assert (wrong.status_code, wrong["X-WOPI-Lock"]) == (409, "L1")
    assert (right.status_code, right["X-WOPI-ItemVersion"]) == (200, "2")
    assert b"".join(content.streaming_content) == b"new"
    assert Activity.objects.filter(type="file_edited").count() == 1


def test_repeated_saves_by_one_editor_are_one_activity(wopi, wopi_file, owner_token):
    lock(wopi, wopi_file, owner_token, "L1")
    for body in (b"a", b"b", b"c"):
        wopi.post(wopi_file, "PUT", body, token=owner_token, suffix="/contents", headers={"X-WOPI-Lock": "L1"})

    assert Activity.objects.filter(type="file_edited").count() == 1
    assert WopiFile.objects.get().version == 4


def test_put_file_past_the_size_limit_is_413(wopi, wopi_file, owner_token, settings):
    settings.WOPI_MAX_FILE_BYTES = 4
    lock(wopi, wopi_file, owner_token, "L1")

    response = wopi.post(
        wopi_file, "PUT", b"12345", token=owner_token, suffix="/contents", headers={"X-WOPI-Lock": "L1"}
    )

    assert response.status_code == 413
    assert WopiFile.objects.get().version == 1


def test_a_reader_may_not_lock_write_or_delete(wopi, wopi_file):
    reader = UserFactory()
    WopiShareFactory(file=wopi_file, user=reader)
    token = token_for(reader, wopi_file)

    statuses = [
        lock(wopi, wopi_file, token, "L1").status_code,
        wopi.post(wopi_file, "PUT", b"x", token=token, suffix="/contents").status_code,
        wopi.post(wopi_file, "DELETE", token=token).status_code,
        wopi.post(wopi_file, "GET_LOCK", token=token).status_code,
    ]

    assert statuses == [401, 401, 401, 401]
    assert WopiFile.objects.get().lock_id == ""


def test_delete_file_refuses_a_locked_file_then_deletes_it(wopi, wopi_file, owner_token):
    lock(wopi, wopi_file, owner_token, "L1")
    refused = wopi.post(wopi_file, "DELETE", token=owner_token)
    wopi.post(wopi_file, "UNLOCK", token=owner_token, headers={"X-WOPI-Lock": "L1"})
    deleted = wopi.post(wopi_file, "DELETE", token=owner_token)
    gone = wopi.check_file_info(wopi_file, token=owner_token)

    assert (refused.status_code, refused["X-WOPI-Lock"]) == (409, "L1")
    assert (deleted.status_code, gone.status_code) == (200, 404)
    assert Activity.objects.filter(type="file_deleted").count() == 1


def test_put_user_info_is_stored_per_user_and_returned(wopi, wopi_file, owner_token):
    stored = wopi.post(wopi_file, "PUT_USER_INFO", "state ☃".encode(), token=owner_token)
    too_long = wopi.post(wopi_file, "PUT_USER_INFO", b"x" * 1025, token=owner_token)
    far_too_long = wopi.post(wopi_file, "PUT_USER_INFO", b"x" * 100_000, token=owner_token)

    assert (stored.status_code, too_long.status_code, far_too_long.status_code) == (200, 400, 400)
    too_long_message = "UserInfo is longer than 1024 characters."
    assert too_long["X-WOPI-ServerError"] == far_too_long["X-WOPI-ServerError"] == too_long_message
    assert WopiUserInfo.objects.get().info == "state ☃"
    assert wopi.check_file_info(wopi_file, token=owner_token).json()["UserInfo"] == "state ☃"


@pytest.mark.parametrize("lock_id", ["a\x00b", "a\tb", "a\x7fb", "a\x1bb"], ids=["nul", "tab", "del", "escape"])
def test_a_lock_id_with_a_control_character_is_400_and_locks_nothing(wopi, wopi_file, owner_token, lock_id):
    response = lock(wopi, wopi_file, owner_token, lock_id)

    assert (response.status_code, response.content) == (400, b"")
    assert response["X-WOPI-ServerError"] == "X-WOPI-Lock must hold 1 to 1024 printable ASCII characters."
    assert WopiFile.objects.get().lock_id == ""


def test_a_user_info_with_a_nul_is_400_and_stores_nothing(wopi, wopi_file, owner_token):
    response = wopi.post(wopi_file, "PUT_USER_INFO", b"state\x00", token=owner_token)

    assert (response.status_code, response.content) == (400, b"")
    assert response["X-WOPI-ServerError"] == "UserInfo may not hold a NUL character."
    assert not WopiUserInfo.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_twenty_clients_locking_at_once_exactly_one_wins(live_server):
    import requests

    from tests.factories import WopiFileFactory

    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner)
    token = token_for(owner, wopi_file)
    url = f"{live_server.url}/wopi/files/{wopi_file.pk}?access_token={token}"
    barrier, results = threading.Barrier(20), []

    def client(n):
        barrier.wait()
        response = requests.post(url, headers={"X-WOPI-Override": "LOCK", "X-WOPI-Lock": f"lock-{n}"}, timeout=30)
        results.append((response.status_code, response.headers.get("X-WOPI-Lock")))
        close_old_connections()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = WopiFile.objects.get(pk=wopi_file.pk).lock_id
    assert sorted(status for status, _ in results) == [200] + [409] * 19
    assert {lock_id for status, lock_id in results if status == 409} == {winner}


def test_put_file_with_a_content_length_that_is_no_number_is_400_and_writes_nothing(client, wopi_file, owner_token):
    response = client.generic(
        "POST",
        f"/wopi/files/{wopi_file.pk}/contents?access_token={owner_token}",
        data=b"",
        content_type="",
        HTTP_X_WOPI_OVERRIDE="PUT",
        CONTENT_LENGTH="twelve",
    )

    assert (response.status_code, response.content) == (400, b"")
    assert response["X-WOPI-ServerError"] == "Content-Length is not a number."
    wopi_file.refresh_from_db()
    assert (wopi_file.version, wopi_file.size) == (1, 5)


def test_get_file_racing_a_put_file_answers_the_new_bytes_not_a_500(
    wopi, wopi_file, owner_token, monkeypatch, django_capture_on_commit_callbacks
):
    stale = file_access(user=wopi_file.owner, file_id=str(wopi_file.pk))
    lock(wopi, wopi_file, owner_token, "L1")
    with django_capture_on_commit_callbacks(execute=True):
        wopi.post(wopi_file, "PUT", b"saved", token=owner_token, suffix="/contents", headers={"X-WOPI-Lock": "L1"})

    # The file read with the token's user is the stale one; the view's re-read (base.file_access) is fresh.
    def stale_reach(**kwargs):
        return dataclasses.replace(token_reach(**kwargs), access=stale)

    monkeypatch.setattr(authentication, "token_reach", stale_reach)

    response = wopi.call("GET", wopi_file.pk, "/contents", token=owner_token)

    assert response.status_code == 200
    assert (b"".join(response.streaming_content), response["X-WOPI-ItemVersion"]) == (b"saved", "2")
