"""Fixtures of the Aggiefeed tests: a source with an approver and a key, clients, and activity documents."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from tests.factories import AggiefeedApiKeyFactory, AggiefeedSourceFactory, UserFactory

SOURCE_IDENT = "5f1c2d3e-0000-4000-8000-000000000001"


def make_activity(source_ident: str = SOURCE_IDENT, **overrides):
    """The seed's sample activity, valid, addressed to students and faculty; ``overrides`` replace top-level keys."""
    activity = {
        "icon": "icon-comment-alt",
        "actor": {
            "id": source_ident,
            "objectType": "department",
            "displayName": "Registrar",
            "author": {"id": "user1", "displayName": "Uma User"},
        },
        "verb": "post",
        "title": "Test Notification",
        "object": {
            "ucdSrcId": "content-1",
            "objectType": "notification",
            "content": "This is a test notification",
            "ucdEdusModel": {"url": "http://ucdavis.edu", "urlDisplayName": "UC Davis"},
        },
        "to": {"groups": ["students", "faculty"], "users": []},
        "ucdEdusMeta": {
            "labels": ["~academic", "some-label"],
            "authzId": "user1",
            "startDate": "2013-07-01T17:00:00.000Z",
            "endDate": "2099-07-01T17:00:00.000Z",
        },
    }
    activity.update(copy.deepcopy(overrides))
    return activity


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 is the production hasher; these tests log in through sessions and need no slow hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def approver():
    return UserFactory(username="approver1", is_staff=True)


@pytest.fixture
def source(approver):
    return AggiefeedSourceFactory(ident=SOURCE_IDENT, name="Registrar", approvers=[approver])


@pytest.fixture
def api_key(source):
    return AggiefeedApiKeyFactory(source=source, secret="registrar-key-" + "r" * 24)


@pytest.fixture
def key_client(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="ApiKey registrar-key-" + "r" * 24)
    return client


@pytest.fixture
def post_created(key_client):
    """POST ``activity`` with the source's key and return the stored activity's object id."""

    def create(activity=None):
        response = key_client.post("/api/v1/activity", {"activity": activity or make_activity()}, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["activity"]["object"]["id"]

    return create


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def session_client():
    """An APIClient logged in as ``user`` through the Django session, enforcing CSRF like a browser."""

    def build(user):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        token = get_random_string(32)
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        client.defaults["HTTP_X_CSRFTOKEN"] = token
        return client

    return build
