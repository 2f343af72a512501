"""OCS clients with real Basic credentials, and helpers to fill a stream."""

from __future__ import annotations

import base64
import secrets

import pytest
from rest_framework.test import APIClient

from accounts.services import app_password_create
from activities.services import activity_record
from tests.factories import PASSWORD, UserFactory


def basic(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def reader():
    return UserFactory(username="ann", display_name="Ann Lee", email="ann@example.edu")


@pytest.fixture
def actor():
    return UserFactory(username="bob", display_name="Bob Roy")


@pytest.fixture
def ocs():
    """``ocs(user)`` → an APIClient sending ``user``'s Basic credentials and ``OCS-APIRequest: true``.

    By default the credential is an app password (a SHA-256 lookup: the suite stays fast); pass
    ``password=PASSWORD`` to go through the account password (Argon2).
    """

    def make(user=None, password=None, api_request=True):
        client = APIClient()
        headers = {}
        if user is not None:
            if password is None:
                password = app_password_create(user=user, name=f"client-{secrets.token_hex(4)}")[1]
            headers["HTTP_AUTHORIZATION"] = basic(user.username, password)
        if api_request:
            headers["HTTP_OCS_APIREQUEST"] = "true"
        client.credentials(**headers)
        return client

    return make


def record(actor, *, users=(), text="did it", **kwargs):
    """One fanned-out activity by ``actor`` reaching ``users`` (and the actor)."""
    kwargs.setdefault("source", "test")
    kwargs.setdefault("type", "did")
    return activity_record(
        actor=actor,
        subject="{actor} " + text,
        subject_params={"actor": {"type": "user", "id": actor.username, "name": actor.display_name}},
        users=users,
        **kwargs,
    )
