"""HTTP Basic authentication of the OCS family: the login name with the password or an app password."""

from __future__ import annotations

import base64
import binascii

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts.models import User
from accounts.selectors import user_by_basic_credentials
from accounts.throttle import login_attempt_begin, login_attempt_succeeded

MAX_CREDENTIALS_BYTES = 4096


class OcsLoginFailed(AuthenticationFailed):
    """Basic credentials were sent but are wrong (unknown user, wrong password, inactive account, malformed)."""

    default_detail = "Unauthorised"


class OcsBasicAuthentication(BaseAuthentication):
    """``Authorization: Basic base64(login:password)``; without a Basic header the caller is anonymous.

    Wrong credentials fail at once (Nextcloud's login step, before anything else): OcsLoginFailed. Failed
    attempts are counted per login name and client address in the shared cache (accounts.throttle): past
    the limit every attempt is refused with TooManyRequests (429) until the window ends.
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
        address = str(request.META.get("REMOTE_ADDR", ""))
        login_attempt_begin(username=username, address=address)
        user = user_by_basic_credentials(username=username, password=password)
        if user is None:
            raise OcsLoginFailed()
        login_attempt_succeeded(username=username, address=address)
        return user, None

    def authenticate_header(self, request: Request) -> str:
        if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            return 'DummyBasic realm="Authorisation Required"'
        return 'Basic realm="Authorisation Required"'
