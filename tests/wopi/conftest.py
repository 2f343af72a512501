"""Fixtures of the WOPI tests: a file, tokens, and a client that speaks WOPI as a client would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import UserFactory, WopiFileFactory
from wopi.tokens import access_token_mint

CONTRACT_DIR = Path(__file__).resolve().parent / "contract"  # copies of shared/contracts/wopi (see its README)


def contract_json(name: str):
    return json.loads((CONTRACT_DIR / name).read_text(encoding="utf-8-sig"))


def token_for(user, wopi_file, **kwargs) -> str:
    return access_token_mint(user_id=user.pk, file_id=str(wopi_file.pk), **kwargs).token


class Wopi:
    """Sends WOPI requests with the token in the URL, a raw body and no Content-Type, as WOPI clients do."""

    def __init__(self, client):
        self.client = client

    def call(self, method, file_id, suffix="", *, token, override=None, body=b"", headers=None, query=""):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if override is not None:
            extra["HTTP_X_WOPI_OVERRIDE"] = override
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
        path = f"/wopi/files/{file_id}{suffix}?access_token={token}{query}"
        return self.client.generic(method, path, data=body, content_type="", **extra)

    def post(self, wopi_file, override, body=b"", *, token, suffix="", headers=None):
        return self.call("POST", wopi_file.pk, suffix, token=token, override=override, body=body, headers=headers)

    def check_file_info(self, wopi_file, *, token):
        return self.call("GET", wopi_file.pk, token=token)


@pytest.fixture
def wopi(client):
    return Wopi(client)


@pytest.fixture
def owner():
    return UserFactory(username="ann", display_name="Ann")


@pytest.fixture
def wopi_file(owner):
    return WopiFileFactory(owner=owner, name="report.wopitest")


@pytest.fixture
def owner_token(owner, wopi_file):
    return token_for(owner, wopi_file)
