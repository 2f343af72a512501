"""The Pryv administration endpoints of accounts: sessions, user info, password and data access tokens.

Thin views: they validate the input, call one service or selector and shape the output (contract §9).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.authentication import pryv_credential, request_session, routed_username
from accounts.api.base import PryvAPIView, authenticated_user
from accounts.api.serializers import (
    EmptyOutput,
    LoginInput,
    LoginOutput,
    PasswordChangeInput,
    PersonalTokenPath,
    PryvErrorOutput,
    TokenCreateInput,
    TokenIdOutput,
    TokenListQuery,
    TokenOutput,
    TokenUpdateInput,
    UserInfoOutput,
    UserInfoUpdateInput,
)
from accounts.errors import InvalidCredentials
from accounts.selectors import token_list
from accounts.services import (
    login_check,
    password_change,
    session_create,
    session_end,
    token_create,
    token_delete,
    token_personal_mint,
    token_update,
    user_info_update,
)

TAGS = ["Pryv administration"]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(PryvErrorOutput, description=description)


BAD_INPUT = _error("INVALID_REQUEST_STRUCTURE (malformed JSON) or INVALID_PARAMETERS_FORMAT (data: [{param, message}])")
NO_SESSION = _error("INVALID_CREDENTIALS: no session, an expired or ended one, another user's, or not a session")
CSRF = _error("FORBIDDEN: a browser-cookie call without its CSRF token")
TOO_LARGE = _error("REQUEST_TOO_LARGE: the body is over the configured limit")
UNKNOWN_TOKEN = _error("UNKNOWN_TOKEN: no token of the user has that name or credential")
TOKEN_REF = OpenApiParameter("ref", str, OpenApiParameter.PATH, description="the token's name, or its credential")


def client_address(request: Request) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginApi(PryvAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_login",
        auth=[],
        request=LoginInput,
        responses={
            200: LoginOutput,
            400: BAD_INPUT,
            401: _error("INVALID_CREDENTIALS: unknown user or wrong password (the same answer)"),
            413: TOO_LARGE,
            429: _error("TOO_MANY_REQUESTS: too many failed logins; see Retry-After (seconds)"),
        },
    )
    def post(self, request: Request) -> Response:
        """Open an administration session: ``{"userName", "password"}`` (alias ``username``) → ``sessionID``."""
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        routed = routed_username(request)
        username = data.validated_data.get("userName") or data.validated_data.get("username") or routed or ""
        password = data.validated_data.get("password", "")
        if not username or not password or (routed is not None and routed.casefold() != username.casefold()):
            raise InvalidCredentials("The user name or password is wrong.")
        user = login_check(username=username, password=password, address=client_address(request))
        return Response(LoginOutput({"sessionID": session_create(user=user)}).data)


class LogoutApi(PryvAPIView):
    @extend_schema(
        tags=TAGS, operation_id="pryv_logout", request=None, responses={200: EmptyOutput, 401: NO_SESSION, 403: CSRF}
    )
    def post(self, request: Request) -> Response:
        """End the calling session; its id no longer works, not even for a second logout."""
        session_end(session=request_session(request))
        return Response({})


class UserInfoApi(PryvAPIView):
    @extend_schema(tags=TAGS, operation_id="pryv_user_info", responses={200: UserInfoOutput, 401: NO_SESSION})
    def get(self, request: Request) -> Response:
        """The caller's user info: userName (read-only), email, displayName, language (ISO 639-1)."""
        return Response(UserInfoOutput(authenticated_user(request)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_user_info_update",
        request=UserInfoUpdateInput,
        responses={200: UserInfoOutput, 400: BAD_INPUT, 401: NO_SESSION, 403: CSRF, 413: TOO_LARGE},
    )
    def put(self, request: Request) -> Response:
        """Change any of email, displayName and language; answers the updated user info."""
        data = UserInfoUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = user_info_update(
            user=authenticated_user(request),
            email=values.get("email"),
            display_name=values.get("displayName"),
            language=values.get("language"),
        )
        return Response(UserInfoOutput(user).data)


class PasswordChangeApi(PryvAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_change_password",
        request=PasswordChangeInput,
        responses={
            200: EmptyOutput,
            400: _error(
                "WRONG_PASSWORD, INVALID_NEW_PASSWORD (data.messages: the validators' messages), "
                "INVALID_PARAMETERS_FORMAT or INVALID_REQUEST_STRUCTURE"
            ),
            401: NO_SESSION,
            403: CSRF,
            413: TOO_LARGE,
            429: _error("TOO_MANY_REQUESTS: too many wrong passwords; see Retry-After (seconds)"),
        },
    )
    def post(self, request: Request) -> Response:
        """Change the password; the user's other sessions end, the calling one stays valid."""
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        password_change(
            user=authenticated_user(request),
            session=request_session(request),
            persist=bool(pryv_credential(request)),
            old_password=data.validated_data["oldPassword"],
            new_password=data.validated_data["newPassword"],
            address=client_address(request),
        )
        return Response({})


class TokenListApi(PryvAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_list",
        parameters=[TokenListQuery],
        responses={200: TokenOutput(many=True), 400: BAD_INPUT, 401: NO_SESSION},
    )
    def get(self, request: Request) -> Response:
        """The caller's tokens by name (personal and shared), never their credentials; ``after``/``limit`` page."""
        query = TokenListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        tokens = token_list(
            user=authenticated_user(request),
            after=query.validated_data.get("after"),
            limit=query.validated_data["limit"],
        )
        return Response(TokenOutput(tokens, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_create",
        request=TokenCreateInput,
        responses={
            201: TokenIdOutput,
            400: _error(
                "ITEM_NAME_ALREADY_EXISTS, ITEM_ID_ALREADY_EXISTS, INVALID_ITEM_ID, INVALID_PARAMETERS_FORMAT "
                "or INVALID_REQUEST_STRUCTURE"
            ),
            401: NO_SESSION,
            403: CSRF,
            413: TOO_LARGE,
        },
    )
    def post(self, request: Request) -> Response:
        """Create a token; the answer holds its credential (``id``), shown this once."""
        data = TokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        _, secret = token_create(
            user=authenticated_user(request),
            name=values["name"],
            kind=values["type"],
            grants=values.get("permissions", []),
            secret=values.get("id"),
        )
        return Response(TokenIdOutput({"id": secret}).data, status=status.HTTP_201_CREATED)


class TokenDetailApi(PryvAPIView):
    def _mint(self, request: Request, ref: str) -> Response:
        path = PersonalTokenPath(data={"ref": ref})
        path.is_valid(raise_exception=True)
        secret = token_personal_mint(user=authenticated_user(request), name=path.validated_data["ref"])
        return Response(TokenIdOutput({"id": secret}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_personal_get",
        parameters=[OpenApiParameter("ref", str, OpenApiParameter.PATH, description="the personal token's name")],
        responses={
            200: TokenIdOutput,
            400: _error(
                "ITEM_NAME_ALREADY_EXISTS: a shared token has that name; INVALID_PARAMETERS_FORMAT: not a token name"
            ),
            401: NO_SESSION,
        },
        description="Seed compatibility: prefer POST, since each call mints a further credential.",
    )
    def get(self, request: Request, ref: str) -> Response:
        """Get-or-create the personal token ``ref`` and mint a further credential of it (contract §9.6)."""
        return self._mint(request, ref)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_personal_mint",
        parameters=[OpenApiParameter("ref", str, OpenApiParameter.PATH, description="the personal token's name")],
        request=None,
        responses={
            200: TokenIdOutput,
            400: _error(
                "ITEM_NAME_ALREADY_EXISTS: a shared token has that name; INVALID_PARAMETERS_FORMAT: not a token name"
            ),
            401: NO_SESSION,
            403: CSRF,
        },
    )
    def post(self, request: Request, ref: str) -> Response:
        """Get-or-create the personal token ``ref`` and mint a further credential of it (contract §9.6)."""
        return self._mint(request, ref)

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_update",
        parameters=[TOKEN_REF],
        request=TokenUpdateInput,
        responses={
            200: EmptyOutput,
            400: _error("ITEM_NAME_ALREADY_EXISTS, INVALID_PARAMETERS_FORMAT or INVALID_REQUEST_STRUCTURE"),
            401: NO_SESSION,
            403: CSRF,
            404: UNKNOWN_TOKEN,
            413: TOO_LARGE,
        },
    )
    def put(self, request: Request, ref: str) -> Response:
        """Change a token's name, type or permissions (replaced whole); ``id`` is ignored (it never changes)."""
        data = TokenUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        token_update(
            user=authenticated_user(request),
            ref=ref,
            name=values.get("name"),
            kind=values.get("type"),
            grants=values.get("permissions"),
        )
        return Response({})

    @extend_schema(
        tags=TAGS,
        operation_id="pryv_tokens_delete",
        parameters=[TOKEN_REF],
        responses={200: EmptyOutput, 401: NO_SESSION, 403: CSRF, 404: UNKNOWN_TOKEN},
    )
    def delete(self, request: Request, ref: str) -> Response:
        """Delete a token at once; every credential of it stops working."""
        token_delete(user=authenticated_user(request), ref=ref)
        return Response({})
