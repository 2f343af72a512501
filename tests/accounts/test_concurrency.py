"""Races between parallel requests, on PostgreSQL (each thread has its own connection)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import AccessToken, AccessTokenCredential, TokenPermission
from accounts.services import session_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _parallel(session_id, calls):
    def run(call):
        method, path, body = call
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=session_id)
        try:
            response = getattr(client, method)(path, body, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


def test_parallel_creations_of_one_name_make_one_token():
    user = UserFactory()
    session_id = session_create(user=user)

    results = _parallel(session_id, [("post", "/tokens", {"name": "same", "permissions": []})] * THREADS)

    codes = sorted(code for code, _ in results)
    assert codes == [201] + [400] * (THREADS - 1)
    assert {body["id"] for code, body in results if code == 400} == {"ITEM_NAME_ALREADY_EXISTS"}
    assert AccessToken.objects.filter(user=user).count() == 1
    assert AccessTokenCredential.objects.count() == 1


def test_parallel_personal_mints_share_one_token():
    user = UserFactory()
    session_id = session_create(user=user)

    results = _parallel(session_id, [("post", "/tokens/app", {})] * THREADS)

    assert [code for code, _ in results] == [200] * THREADS
    assert len({body["id"] for _, body in results}) == THREADS
    assert AccessToken.objects.filter(user=user, name="app").count() == 1
    assert AccessTokenCredential.objects.count() == THREADS


def test_parallel_permission_updates_never_interleave():
    user = UserFactory()
    token = AccessToken.objects.create(user=user, name="t")
    session_id = session_create(user=user)
    sets = [
        [{"channelId": f"c{n}-{k}", "level": "read"} for k in range(5)]
        + [{"channelId": f"d{n}", "folderPermissions": [{"folderId": f"f{n}", "level": "manage"}]}]
        for n in range(THREADS)
    ]

    results = _parallel(session_id, [("put", "/tokens/t", {"permissions": s}) for s in sets])

    assert [code for code, _ in results] == [200] * THREADS
    channels = set(TokenPermission.objects.filter(token=token).values_list("channel_ref", flat=True))
    winners = [n for n in range(THREADS) if channels == {f"c{n}-{k}" for k in range(5)} | {f"d{n}"}]
    assert len(winners) == 1
    assert TokenPermission.objects.filter(token=token).count() == 7
    rows = TokenPermission.objects.filter(token=token).order_by("position")
    assert list(rows.values_list("position", flat=True)) == list(range(7))
