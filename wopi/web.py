"""The WOPI host page (contract §16.9): ``/wopi/open/{file_id}?action=view|edit`` embeds the WOPI client.

The page mints an access token for the logged-in user and the file and posts it, with ``access_token_ttl``, into
an iframe through a form whose action is the client's URL from discovery; a static script submits the form, so
the token never appears in a URL. The page's own Content-Security-Policy lets that form and frame reach the
client's origin and nothing else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from wopi.discovery import action_url, discovery_get
from wopi.errors import UnknownFile
from wopi.selectors import FileAccess, file_access
from wopi.tokens import access_token_mint

HOST_PAGE_ACTIONS = ("view", "edit")
FRAME_NAME = "office_frame"


def host_page_url(request: HttpRequest, file_id: str, action: str) -> str:
    """The absolute URL of a file's host page for ``action`` (``HostViewUrl`` / ``HostEditUrl``)."""
    return request.build_absolute_uri(reverse("wopi-api:file-open", kwargs={"file_id": file_id}) + f"?action={action}")


def _content_security_policy(client_origin: str) -> str:
    """The strict policy of the project, but the form may post to, and the frame show, the WOPI client."""
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        f"base-uri 'none'; form-action {client_origin}; frame-src {client_origin}; frame-ancestors 'none'"
    )


def _problem(request: HttpRequest, access: FileAccess, message: str, status: int) -> HttpResponse:
    return render(request, "wopi/host_problem.html", {"file": access.file, "message": message}, status=status)


@never_cache
@require_GET
def file_open_page(request: HttpRequest, file_id: str) -> HttpResponse:
    """Open a file in the WOPI client for the session's user: its owner or someone it is shared with.

    Anonymous → the login page with ``next``; a file the user may not open → 404, as for an unknown one; an
    ``action`` other than view or edit → 400; ``edit`` by a user who may not write opens it for viewing. Without
    a readable discovery, or without an action for the file's extension, the page says so (503 / 415).
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    try:
        access = file_access(user=user, file_id=file_id)
    except UnknownFile as exc:
        raise Http404("No such file.") from exc
    action = request.GET.get("action", "view")
    if action not in HOST_PAGE_ACTIONS:
        return _problem(request, access, "This link asks for something other than viewing or editing.", 400)
    if action == "edit" and not access.can_write:
        action = "view"
    discovery = discovery_get()
    if discovery is None:
        message = (
            "Documents cannot be opened here yet: no Office for the web server is set up for this site. "
            "Please ask your administrator to configure one."
            if not settings.WOPI_DISCOVERY_URL
            else "The Office for the web server of this site cannot be reached right now. Please try again later."
        )
        return _problem(request, access, message, 503)
    wopi_src = request.build_absolute_uri(reverse("wopi-api:file", kwargs={"file_id": str(access.file.pk)}))
    client_url = action_url(
        discovery=discovery,
        action=action,
        file_name=access.file.name,
        wopi_src=wopi_src,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if client_url is None:
        verb = "edited" if action == "edit" else "opened"
        return _problem(request, access, f"Files of this type cannot be {verb} in Office for the web.", 415)
    grant = access_token_mint(user_id=user.pk, file_id=str(access.file.pk))
    parts = urlsplit(client_url)
    response = render(
        request,
        "wopi/host_page.html",
        {
            "file": access.file,
            "action": action,
            "client_url": client_url,
            "frame_name": FRAME_NAME,
            "access_token": grant.token,
            "access_token_ttl": grant.expires_ms,
        },
    )
    response["Content-Security-Policy"] = _content_security_policy(f"{parts.scheme}://{parts.netloc}")
    response["Referrer-Policy"] = "no-referrer"
    return response
