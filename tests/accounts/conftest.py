"""Fixtures of the accounts tests: users and API clients carrying a real session id or token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services import session_create, token_create
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user():
    return UserFactory(username="ann", email="ann@example.edu", display_name="Ann Archer")


@pytest.fixture
def other_user():
    return UserFactory(username="bob", email="bob@example.edu", display_name="Bob Baker")


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def login(anonymous):
    """``login(user)``: the sessionID that POST /login returns for that user (the real endpoint)."""

    def do_login(some_user, password=PASSWORD):
        response = anonymous.post("/login", {"userName": some_user.username, "password": password}, format="json")
        assert response.status_code == 200, response.content
        return response.json()["sessionID"]

    return do_login


@pytest.fixture
def session_client():
    """``session_client(user_or_session_id)``: an APIClient sending a session id raw in Authorization."""

    def make(credential):
        session_id = credential if isinstance(credential, str) else session_create(user=credential)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=session_id)
        return client

    return make


@pytest.fixture
def api(session_client, user):
    """An APIClient with a live session of ``user``."""
    return session_client(user)


@pytest.fixture
def data_token(user):
    """A credential of a shared data token of ``user``."""
    _, secret = token_create(user=user, name="data", grants=())
    return secret
