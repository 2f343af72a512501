"""Property-based fuzzing of every operation of the OpenAPI document, with real credentials per family.

For each operation schemathesis generates requests from the schema (valid and invalid); the API must
never answer with a server error, and every response must match what the document says (status codes,
content types, bodies). ``FUZZ_EXAMPLES`` bounds the examples per operation (CI runs a bounded pass).
"""

from __future__ import annotations

import base64
import os
import uuid
from importlib import import_module

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, not_a_server_error

from accounts.services import access_token_credential_add, app_password_create
from config.wsgi import application
from tests.factories import (
    AccessTokenFactory,
    AggiefeedApiKeyFactory,
    AggiefeedSourceFactory,
    ChannelFactory,
    EventFactory,
    FolderFactory,
    TokenPermissionFactory,
    UserFactory,
    WopiFileFactory,
)
from wopi.tokens import access_token_mint

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
CHECK_NAMES = ("status_code_conformance",)


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx, except WOPI's own 501 for an ``X-WOPI-Override`` the host does not serve (the protocol's answer)."""
    if response.status_code == 501 and case.operation.path.startswith("/wopi/"):
        return None
    return not_a_server_error(ctx, response, case)


def _multiplexed_empty_answer(response, case) -> bool:
    """WOPI's ``POST /wopi/files/{id}`` is one OpenAPI operation for eleven X-WOPI-Override variants (OpenAPI 3.0
    has one operation per method and path); the header-only variants (Lock, Unlock, PutUserInfo…) answer 200
    with an empty body, which the single documented JSON body cannot describe. Their headers are still checked."""
    return case.operation.path == "/wopi/files/{file_id}" and response.status_code == 200 and not response.content


@schemathesis.check
def body_conforms(ctx, response, case):
    """Content type and body as documented (the multiplexed WOPI empty answers aside)."""
    if _multiplexed_empty_answer(response, case):
        return None
    registered = {check.__name__: check for check in CHECKS.get_all()}
    registered["content_type_conformance"](ctx, response, case)
    return registered["response_schema_conformance"](ctx, response, case)


def _checks():
    registered = {check.__name__: check for check in CHECKS.get_all()}
    return [no_server_error, body_conforms, *(registered[name] for name in CHECK_NAMES)]


class Credentials:
    """One user's credentials for every family, and real ids to put in paths."""

    def __init__(self) -> None:
        self.user = UserFactory(username=f"fuzz{uuid.uuid4().hex[:8]}")
        token = AccessTokenFactory(user=self.user, name="fuzz")
        TokenPermissionFactory(token=token, channel_ref="*", level="manage")
        self.pryv_token = access_token_credential_add(token=token)
        self.channel = ChannelFactory(user=self.user, ident="fuzz-channel")
        self.folder = FolderFactory(channel=self.channel, ident="fuzz-folder")
        self.event = EventFactory(channel=self.channel, folder=self.folder, ident="fuzz-event")
        _, self.app_password = app_password_create(user=self.user, name="fuzz")
        self.wopi_file = WopiFileFactory(owner=self.user)
        self.wopi_token = access_token_mint(user_id=self.user.pk, file_id=str(self.wopi_file.pk)).token
        source = AggiefeedSourceFactory()
        self.api_key_secret = f"fuzz-key-{uuid.uuid4().hex}"
        AggiefeedApiKeyFactory(source=source, secret=self.api_key_secret)

    def session_id(self) -> str:
        """A fresh session for each example: one example may log out or change the password."""
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(self.user.pk)
        store[HASH_SESSION_KEY] = self.user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    def apply(self, case) -> dict[str, str]:
        path = case.operation.path
        params = case.path_parameters if case.path_parameters is not None else {}
        headers: dict[str, str] = {}
        if path.startswith("/ocs/"):
            basic = base64.b64encode(f"{self.user.username}:{self.app_password}".encode()).decode()
            headers = {"Authorization": f"Basic {basic}", "OCS-APIRequest": "true"}
        elif path.startswith("/wopi/"):
            params["file_id"] = str(self.wopi_file.pk)
            case.query = {**(case.query or {}), "access_token": self.wopi_token}
        elif path.startswith("/api/v1/activity"):
            headers = {"Authorization": f"ApiKey {self.api_key_secret}"}
        elif path == "/login" or path.startswith("/feeds/"):
            headers = {}
        elif path.startswith(("/logout", "/user-info", "/change-password", "/tokens", "/channels")):
            headers = {"Authorization": self.session_id()}
        else:
            headers = {"Authorization": self.pryv_token}
            if "channel_id" in params:
                params["channel_id"] = self.channel.ident
        case.path_parameters = params
        return headers


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the raw WSGI app: keep it from closing the test's connection (as Django's test client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(settings):
    settings.WOPI_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.LOGIN_THROTTLE_USER_LIMIT = 1_000_000
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 1_000_000
    return Credentials()


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_every_operation_answers_within_its_schema(case, credentials):
    headers = credentials.apply(case)

    case.call_and_validate(headers=headers, checks=_checks())
