"""How a stored activity reads for one reader: the one place that calls the registered renderers.

The OCS API, the Atom feed and the administration page all render through ``item_render``; the
protocol apps decide the wording by registering their types (activities.registry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from activities import registry
from activities.selectors import StreamItem

_EMPTY = registry.Rendered("", "", {})


@dataclass(frozen=True, slots=True)
class RenderedItem:
    subject: registry.Rendered
    message: registry.Rendered


def item_render(item: StreamItem, *, viewer_id: int | None) -> RenderedItem:
    """Subject and message of ``item`` for ``viewer_id``, rendered by its type and checked as rich strings.

    No query: everything comes from the stream row. A rich string that breaks the rules of contract §9 is
    replaced by Nextcloud's "malformed" text, as upstream does.
    """
    activity_type = registry.type_get(item.source, item.type)
    subject = registry.rich_checked(
        activity_type.subject_renderer(
            registry.ActivityView(item.actor_id, item.actor_name, item.subject, item.subject_params, viewer_id)
        ),
        "subject",
    )
    message = _EMPTY
    if item.message:
        message = registry.rich_checked(
            activity_type.message_renderer(
                registry.ActivityView(item.actor_id, item.actor_name, item.message, item.message_params, viewer_id)
            ),
            "message",
        )
    return RenderedItem(subject=subject, message=message)


def absolute_url(url: str, base_url: str) -> str:
    """``url`` made absolute against ``base_url`` (``scheme://host``); only http(s) and site paths are kept."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return base_url + url
    return ""


def first_absolute_url(candidates: Iterable[str], base_url: str) -> str:
    """The first candidate that makes an absolute URL (a registered icon may be a bare name: skipped)."""
    for candidate in candidates:
        url = absolute_url(candidate, base_url) if candidate else ""
        if url:
            return url
    return ""
