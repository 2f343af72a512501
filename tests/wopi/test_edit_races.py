import threading
import time

import pytest
from django.db import close_old_connections

from tests.factories import UserFactory, WopiFileFactory
from tests.wopi.conftest import token_for
from wopi.models import WopiFile

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PUTS_WITH_OLD_LOCK = 12
PUTS_WITH_NEW_LOCK = 6


def test_put_file_racing_unlock_and_lock_loses_no_write_and_accepts_none_without_the_lock(live_server, settings):
    """Writers holding lock A race an Unlock of A and a client taking lock B, whose writers retry until B is theirs.

    Every response of an accepted write carries the version it made, Unlock and Lock the version they saw; so the
    accepted A-writes must all precede the Unlock, the B-writes all follow the Lock, and no version may be lost.
    """
    import requests

    settings.WOPI_RATE_LIMIT_PER_MINUTE = 0
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner, content__data=b"original")
    token = token_for(owner, wopi_file)
    url = f"{live_server.url}/wopi/files/{wopi_file.pk}"
    requests.post(
        url, params={"access_token": token}, headers={"X-WOPI-Override": "LOCK", "X-WOPI-Lock": "A"}, timeout=30
    )
    barrier = threading.Barrier(PUTS_WITH_OLD_LOCK + PUTS_WITH_NEW_LOCK + 2)
    results: list[tuple[str, str, int, str]] = []
    guard = threading.Lock()

    def send(override, lock, body=b"", suffix=""):
        response = requests.post(
            url + suffix,
            params={"access_token": token},
            headers={"X-WOPI-Override": override, "X-WOPI-Lock": lock},
            data=body,
            timeout=30,
        )
        return response.status_code, response.headers.get("X-WOPI-ItemVersion", response.headers.get("X-WOPI-Lock"))

    def record(kind, body, status, value):
        with guard:
            results.append((kind, body, status, value))

    def put_with_old_lock(n):
        barrier.wait()
        body = f"A-{n}"
        record("put-A", body, *send("PUT", "A", body.encode(), "/contents"))
        close_old_connections()

    def unlock():
        barrier.wait()
        record("unlock", "", *send("UNLOCK", "A"))
        close_old_connections()

    def lock_new():
        barrier.wait()
        for _ in range(500):
            status, value = send("LOCK", "B")
            if status == 200:
                record("lock-B", "", status, value)
                break
            time.sleep(0.005)
        close_old_connections()

    def put_with_new_lock(n):
        barrier.wait()
        body = f"B-{n}"
        for _ in range(500):
            status, value = send("PUT", "B", body.encode(), "/contents")
            if status == 200:
                break
            time.sleep(0.005)
        record("put-B", body, status, value)
        close_old_connections()

    threads = [threading.Thread(target=put_with_old_lock, args=(n,)) for n in range(PUTS_WITH_OLD_LOCK)]
    threads += [threading.Thread(target=put_with_new_lock, args=(n,)) for n in range(PUTS_WITH_NEW_LOCK)]
    threads += [threading.Thread(target=unlock), threading.Thread(target=lock_new)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    by_kind = {kind: [r for r in results if r[0] == kind] for kind in ("put-A", "put-B", "unlock", "lock-B")}
    [(_, _, unlock_status, unlock_version)] = by_kind["unlock"]
    [(_, _, lock_status, lock_version)] = by_kind["lock-B"]
    assert (unlock_status, lock_status) == (200, 200)
    assert int(lock_version) == int(unlock_version)
    accepted_a = [(body, int(value)) for _, body, status, value in by_kind["put-A"] if status == 200]
    refused_a = [value for _, _, status, value in by_kind["put-A"] if status != 200]
    accepted_b = [(body, int(value)) for _, body, status, value in by_kind["put-B"] if status == 200]
    assert len(accepted_a) + len(refused_a) == PUTS_WITH_OLD_LOCK
    assert set(refused_a) <= {"", "B"}
    assert all(version <= int(unlock_version) for _, version in accepted_a)
    assert len(accepted_b) == PUTS_WITH_NEW_LOCK
    assert all(version > int(lock_version) for _, version in accepted_b)
    accepted = accepted_a + accepted_b
    final = WopiFile.objects.get(pk=wopi_file.pk)
    assert sorted(version for _, version in accepted) == list(range(2, final.version + 1))
    last_body = max(accepted, key=lambda pair: pair[1])[0]
    with final.content.open("rb") as handle:
        assert handle.read() == last_body.encode()
    assert final.lock_id == "B"


def _race(count, send):
    barrier, results, guard = threading.Barrier(count), [], threading.Lock()

    def client(n):
        barrier.wait()
        response = send(n)
        with guard:
            results.append(response)
        close_old_connections()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_racing_copies_under_one_suggested_name_all_get_a_name_of_their_own(live_server, settings):
    import requests

    settings.WOPI_RATE_LIMIT_PER_MINUTE = 0
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner, name="report.wopitest")
    url = f"{live_server.url}/wopi/files/{wopi_file.pk}"
    headers = {"X-WOPI-Override": "PUT_RELATIVE", "X-WOPI-SuggestedTarget": "copy.wopitest"}

    results = _race(
        10,
        lambda n: requests.post(
            url, params={"access_token": token_for(owner, wopi_file)}, headers=headers, data=b"x", timeout=30
        ),
    )

    assert sorted(response.status_code for response in results) == [200] * 10
    names = {response.json()["Name"] for response in results}
    assert len(names) == 10
    assert set(WopiFile.objects.exclude(pk=wopi_file.pk).values_list("name", flat=True)) == names


def test_racing_copies_under_one_specific_name_create_it_once(live_server, settings):
    import requests

    settings.WOPI_RATE_LIMIT_PER_MINUTE = 0
    owner = UserFactory()
    wopi_file = WopiFileFactory(owner=owner, name="report.wopitest")
    url = f"{live_server.url}/wopi/files/{wopi_file.pk}"
    headers = {"X-WOPI-Override": "PUT_RELATIVE", "X-WOPI-RelativeTarget": "same.wopitest"}

    results = _race(
        10,
        lambda n: requests.post(
            url, params={"access_token": token_for(owner, wopi_file)}, headers=headers, data=b"x", timeout=30
        ),
    )

    assert sorted(response.status_code for response in results) == [200] + [409] * 9
    assert WopiFile.objects.filter(name="same.wopitest").count() == 1
