"""Fixtures of the channels tests: an owner with a strict channel, and API clients holding real tokens."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from accounts.models import AccessToken
from tests.factories import (
    AccessTokenCredentialFactory,
    AccessTokenFactory,
    ChannelFactory,
    TokenPermissionFactory,
    UserFactory,
)

_secrets = itertools.count()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; Argon2 is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner():
    return UserFactory(username="ann")


@pytest.fixture
def channel(owner):
    return ChannelFactory(user=owner, ident="work", name="Work")


@pytest.fixture
def make_token():
    """``make_token(user, permissions=[(channel_ref, level)] or [(channel_ref, folder_ref, level)])`` → secret.

    No ``permissions`` makes a personal token (full access); a folder entry is folder-scoped (``None``: root).
    """

    def make(user, permissions=None):
        kind = AccessToken.Kind.PERSONAL if permissions is None else AccessToken.Kind.SHARED
        token = AccessTokenFactory(user=user, kind=kind)
        for position, entry in enumerate(permissions or []):
            if len(entry) == 2:
                TokenPermissionFactory(token=token, position=position, channel_ref=entry[0], level=entry[1])
            else:
                TokenPermissionFactory(
                    token=token,
                    position=position,
                    channel_ref=entry[0],
                    folder_scoped=True,
                    folder_ref=entry[1],
                    level=entry[2],
                )
        secret = f"test-token-{next(_secrets):06d}-" + "s" * 24
        AccessTokenCredentialFactory(token=token, secret=secret)
        return secret

    return make


@pytest.fixture
def api():
    """``api(credential)`` → an APIClient sending it raw in ``Authorization`` (no credential: none sent)."""

    def client(credential=None):
        api_client = APIClient()
        if credential is not None:
            api_client.credentials(HTTP_AUTHORIZATION=credential)
        return api_client

    return client


@pytest.fixture
def personal(owner, make_token, api):
    """An API client with the owner's personal token (manage everywhere)."""
    return api(make_token(owner))
