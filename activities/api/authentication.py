"""HTTP Basic authentication of the OCS family: the login name with the password or an app password."""

from __future__ import annotations

import base64
import binascii

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import User
from accounts.selectors import basic_credentials_check, basic_credentials_user
from accounts.throttle import login_attempt_begin, login_attempt_succeeded

MAX_CREDENTIALS_BYTES = 4096


class OcsLoginFailed(AuthenticationFailed):
    """Basic credentials were sent but are wrong (unknown user, wrong password, inactive account, malformed)."""

    default_detail = "Unauthorised"


class OcsBasicAuthentication(BaseAuthentication):
    """``Authorization: Basic base64(login:password)``; without a Basic header the caller is anonymous.

    Wrong credentials fail at once (Nextcloud's login step, before anything else): OcsLoginFailed. Attempts
    with anything but an app password are counted per login name and client address in the shared cache
    (accounts.throttle): past the limit every such attempt is refused with TooManyRequests (429) until the
    window ends. An app password (a random secret, found by its hash) is accepted without counting.
    """

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        header = str(request.META.get("HTTP_AUTHORIZATION", ""))
        scheme, _, encoded = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        encoded = encoded.strip()
        if not encoded or len(encoded) > MAX_CREDENTIALS_BYTES:
            raise OcsLoginFailed()
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OcsLoginFailed() from exc
        username, colon, password = decoded.partition(":")
        if not colon or not username or "\x00" in decoded:
            raise OcsLoginFailed()
        user, by_app_password = basic_credentials_user(username=username, password=password)
        if by_app_password and user is not None:
            # An app password is a long random secret, found by its hash: there is no guessing to slow down,
            # so it skips the throttle (no cache round trip on the clients' every request), and a lockout by
            # someone guessing the account password does not lock out the user's own sync clients.
            return user, None
        address = str(request.META.get("REMOTE_ADDR", ""))
        login_attempt_begin(username=username, address=address)
        user = basic_credentials_check(user=user, password=password)
        if user is None:
            raise OcsLoginFailed()
        login_attempt_succeeded(username=username, address=address)
        return user, None

    def authenticate_header(self, request: Request) -> str:
        if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            return 'DummyBasic realm="Authorisation Required"'
        return 'Basic realm="Authorisation Required"'
