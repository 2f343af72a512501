"""The browser pages: the administration login page at ``/`` and the administration page of a user.

Thin views over the same services and selectors as the APIs (accounts' own, and channels' and activities'
as the top layer may). Every form posts with its CSRF token and redirects back, but those that create a
secret (a token, an app password): their answer shows the secret that once, and is never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api.authentication import routed_username
from accounts.errors import TooManyRequests
from accounts.models import User
from accounts.selectors import ChannelGrant, app_password_list, token_grants, token_list
from accounts.services import (
    app_password_create,
    app_password_revoke,
    login_check,
    password_change,
    session_touch,
    token_create,
    token_delete,
    user_info_update,
)
from accounts.web.forms import (
    AppPasswordForm,
    AppPasswordRefForm,
    ChannelForm,
    ChannelRefForm,
    LoginForm,
    PasswordForm,
    TokenForm,
    TokenRefForm,
    UserInfoForm,
)
from activities.rendering import item_render
from activities.selectors import StreamFilter, feed_url, stream_page
from activities.services import feed_token_reset
from channels.selectors import channel_list
from channels.services import channel_create, channel_delete, channel_update
from config.errors import DomainError

LOGIN_MESSAGES = {
    "CONFIRMED": "Your registration is confirmed. You can now log in.",
    "CONFIRMED_ALREADY": "Your registration was already confirmed. You can log in.",
}
PAGE_ITEMS = 200  # channels, tokens and app passwords shown on the page (the APIs page through all)
LATEST_ACTIVITIES = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it; narrows the type  # nosec B101
    return user


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """``/`` and ``/?userName=…``: the login form, with the seed's ``msg=CONFIRMED[_ALREADY]`` notes."""
    if request.user.is_authenticated and request.method == "GET":
        return redirect("accounts-web:account")
    routed = routed_username(request) or ""
    form = LoginForm(request.POST or None, initial={"username": routed})
    status, error, headers = 200, "", {}
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                address=_address(request),
            )
        except TooManyRequests as exc:
            status, error, headers = 429, exc.message, {"Retry-After": str(exc.retry_after)}
        except DomainError as exc:
            status, error = 401, exc.message
        else:
            auth.login(request, user)
            return redirect("accounts-web:account")
    elif request.method == "POST":
        status, error = 400, "Enter your user name and password."
    note = LOGIN_MESSAGES.get(request.GET.get("msg", ""), "")
    context = {"form": form, "error": error, "note": note}
    response = render(request, "accounts/login.html", context, status=status)
    for header, value in headers.items():
        response[header] = value
    return response


def _grant_text(grant: ChannelGrant) -> str:
    where = "all channels" if grant.channel_ref == "*" else grant.channel_ref
    parts = [f"{grant.level} on {where}"] if grant.level and not grant.folders else []
    parts.extend(f"{folder.level} on {where} / {folder.folder_ref or 'whole tree'}" for folder in grant.folders)
    return ", ".join(parts)


def _account_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    user = _user(request)
    tokens = [
        {
            "name": token.name,
            "kind": token.kind,
            "grants": [_grant_text(grant) for grant in token_grants(permissions=token.permissions.all())],
        }
        for token in token_list(user=user, limit=PAGE_ITEMS)
    ]
    page = stream_page(user_id=user.pk, stream_filter=StreamFilter(), limit=LATEST_ACTIVITIES)
    activities = [(item, item_render(item, viewer_id=user.pk).subject.text) for item in page.items]
    feed_path = feed_url(user=user)
    context = {
        # Several forms share field names: distinct ids keep every label pointing at its own input.
        "user_form": UserInfoForm(
            initial={"email": user.email, "display_name": user.display_name, "language": user.language},
            auto_id="info_%s",
        ),
        "password_form": PasswordForm(auto_id="password_%s"),
        "channel_form": ChannelForm(auto_id="channel_%s"),
        "token_form": TokenForm(auto_id="token_%s"),
        "app_password_form": AppPasswordForm(auto_id="app_password_%s"),
        "channels": list(channel_list(user=user, state="all")[:PAGE_ITEMS]),
        "tokens": tokens,
        "app_passwords": list(app_password_list(user=user)[:PAGE_ITEMS]),
        "activities": activities,
        "feed_url": request.build_absolute_uri(feed_path) if feed_path else "",
        **extra,
    }
    return render(request, "accounts/account.html", context, status=status)


def _back(request: HttpRequest, note: str = "", error: str = "") -> HttpResponseRedirect:
    if note:
        messages.success(request, note)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(reverse("accounts-web:account"))


def _form_error(form: Any) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@never_cache
@login_required
@require_GET
def account_page(request: HttpRequest) -> HttpResponse:
    """The administration page: user info, password, channels, tokens, app passwords, activities, feed."""
    session_touch(session=request.session, persist=False)
    return _account_page(request)


@login_required
@require_POST
def user_info_edit(request: HttpRequest) -> HttpResponse:
    form = UserInfoForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    user_info_update(user=_user(request), **form.cleaned_data)
    return _back(request, note="Your information is saved.")


@sensitive_post_parameters("old_password", "new_password")
@login_required
@require_POST
def password_edit(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        password_change(
            user=_user(request),
            session=request.session,
            persist=False,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
            address=_address(request),
        )
    except DomainError as exc:
        details = exc.data.get("messages") or []
        return _back(request, error=" ".join([exc.message, *details]))
    return _back(request, note="Your password is changed; your other sessions have ended.")


@login_required
@require_POST
def channel_add(request: HttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        channel = channel_create(user=_user(request), name=form.cleaned_data["name"])
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _back(request, note=f"Channel “{channel.name}” created.")


@login_required
@require_POST
def channel_remove(request: HttpRequest) -> HttpResponse:
    """Trash a channel, or delete it for good when it is already in the trash (contract §7.1)."""
    form = ChannelRefForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        deleted = channel_delete(user=_user(request), ident=form.cleaned_data["ident"])
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _back(request, note="Channel deleted for good." if deleted else "Channel moved to the trash.")


@login_required
@require_POST
def channel_restore(request: HttpRequest) -> HttpResponse:
    form = ChannelRefForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        channel_update(user=_user(request), ident=form.cleaned_data["ident"], trashed=False)
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _back(request, note="Channel restored.")


@never_cache
@login_required
@require_POST
def token_add(request: HttpRequest) -> HttpResponse:
    """Create a token; the answer shows its credential this once (it is stored only hashed)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    data = form.cleaned_data
    grants = [ChannelGrant(channel_ref=data["channel"], level=data["level"])]
    try:
        _, secret = token_create(user=_user(request), name=data["name"], kind=data["kind"], grants=grants)
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _account_page(request, status=201, new_secret={"label": f"Token “{data['name']}”", "value": secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    form = TokenRefForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        token_delete(user=_user(request), ref=form.cleaned_data["name"])
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _back(request, note=f"Token “{form.cleaned_data['name']}” revoked.")


@never_cache
@login_required
@require_POST
def app_password_add(request: HttpRequest) -> HttpResponse:
    """Create a Nextcloud app password; the answer shows it this once (it is stored only hashed)."""
    form = AppPasswordForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    name = form.cleaned_data["name"]
    _, secret = app_password_create(user=_user(request), name=name)
    return _account_page(request, status=201, new_secret={"label": f"App password “{name}”", "value": secret})


@login_required
@require_POST
def app_password_remove(request: HttpRequest) -> HttpResponse:
    form = AppPasswordRefForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        app_password_revoke(user=_user(request), app_password_id=form.cleaned_data["app_password_id"])
    except DomainError as exc:
        return _back(request, error=exc.message)
    return _back(request, note="App password revoked.")


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    """Give the user a new personal feed URL; the old one stops working."""
    feed_token_reset(user=_user(request))
    return _back(request, note="Your feed has a new address; the old one no longer works.")


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("accounts-web:login")
