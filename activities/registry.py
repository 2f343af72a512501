"""Registry of activity sources and types, filled by the protocol apps in ``AppConfig.ready()``.

``activities`` never imports the apps that report activities: each app registers its source (a filter of
the OCS API, with a name, an icon and a priority) and its types (how a subject reads), and the readers
render through here, in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.templatetags.static import static

Params = dict[str, dict[str, Any]]
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")
_RICH_KEY = re.compile(r"[A-Za-z0-9_-]+")
_RICH_FIRST_KEYS = ("type", "id", "name")
_FILTER_ID = re.compile(r"^[a-z_]{1,32}$")
RESERVED_FILTER_IDS = frozenset({"all", "self", "by", "filter", "filters", "focused"})
# Keys each rich object type must carry besides ``type`` (Nextcloud's definitions.json, contract §9).
RICH_REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "file": ("id", "name", "path"),
    "user": ("id", "name"),
    "calendar": ("id", "name"),
    "calendar-event": ("id", "name"),
    "addressbook": ("id", "name"),
    "addressbook-contact": ("id", "name"),
    "user-group": ("id", "name"),
    "announcement": ("id", "name"),
    "systemtag": ("id", "name", "visibility", "assignable"),
}


@dataclass(frozen=True)
class Rendered:
    """A subject or message as a reader sees it: plain text, and the rich template with its objects."""

    text: str
    rich: str
    params: Params


@dataclass(frozen=True)
class ActivityView:
    """What a renderer gets: the stored template and params, and who reads (to say "You")."""

    actor_id: int | None
    actor_name: str
    template: str
    params: Params
    viewer_id: int | None


Renderer = Callable[[ActivityView], Rendered]


def render_template(template: str, params: Mapping[str, Mapping[str, Any]]) -> str:
    """Replace each ``{key}`` by the name of its rich object (unknown keys are left as they are)."""

    def name_of(match: re.Match[str]) -> str:
        obj = params.get(match.group(1))
        return str(obj.get("name", "")) if obj is not None else match.group(0)

    return _PLACEHOLDER.sub(name_of, template)


def rich_object(type_: str, id_: object, name: str, **extra: object) -> dict[str, str]:
    """A rich object as Nextcloud validates it: ``type``, ``id``, ``name`` and extra keys, every value a string."""
    return {"type": type_, "id": str(id_), "name": name, **{key: str(value) for key, value in extra.items()}}


def rich_user(username: str, name: str) -> dict[str, str]:
    return rich_object("user", username, name)


def rich_file(id_: object, name: str, path: str, link: str = "") -> dict[str, str]:
    return rich_object("file", id_, name, path=path, **({"link": link} if link else {}))


def rich_checked(rendered: Rendered, what: str) -> Rendered:
    """``rendered`` with every parameter value as a string, or Nextcloud's "malformed" text if it breaks §9.

    Rules: each placeholder of the template has an object; each object has a ``type`` and the keys its type
    requires; keys are placeholder-like names. Values are turned into strings (upstream rejects numbers).
    Placeholders come out sorted, and each object's keys as type, id, name, then the others sorted.
    Runs for every item of every stream page, so it is written for speed (no per-key sort function).
    """
    params: Params = {}
    given = rendered.params
    for key in sorted(given):
        obj = given[key]
        if not isinstance(obj, dict) or not _RICH_KEY.fullmatch(key) or "type" not in obj:
            return _malformed(what, key)
        required = RICH_REQUIRED_KEYS.get(str(obj["type"]), ())
        if any(name not in obj for name in required):
            return _malformed(what, key)
        # PostgreSQL's jsonb does not keep key order: a fixed one (type, id, name, then by name) keeps replies stable.
        ordered = {name: _rich_value(obj[name]) for name in _RICH_FIRST_KEYS if name in obj}
        for name in sorted(name for name in obj if name not in ordered):
            ordered[str(name)] = _rich_value(obj[name])
        params[key] = ordered
    if "{" in rendered.rich:
        for placeholder in _PLACEHOLDER.findall(rendered.rich):
            if placeholder not in params:
                return _malformed(what, placeholder)
    return Rendered(rendered.text, rendered.rich, params)


def _rich_value(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _malformed(what: str, key: str) -> Rendered:
    text = f'Rich {what} or a parameter for "{key}" is malformed'
    return Rendered(text, text, {})


def default_renderer(view: ActivityView) -> Rendered:
    return Rendered(render_template(view.template, view.params), view.template, dict(view.params))


def you_renderer(you_template: str) -> Renderer:
    """A renderer that uses ``you_template`` when the reader is the actor ("You commented on {file}")."""

    def render(view: ActivityView) -> Rendered:
        template = you_template if view.viewer_id is not None and view.viewer_id == view.actor_id else view.template
        params = {k: v for k, v in view.params.items() if f"{{{k}}}" in template}
        return Rendered(render_template(template, params), template, params)

    return render


@dataclass(frozen=True)
class ActivitySource:
    """A reporter of activities; each is one OCS filter (``.../activity/{id}``) of the stream."""

    id: str
    name: str
    icon: str
    priority: int = 50


@dataclass(frozen=True)
class PreviewView:
    """What a previewer gets: the activity's object (``object_id`` is the OCS integer) and subject params."""

    object_type: str
    object_id: int
    object_name: str
    link: str
    params: Params


Previewer = Callable[[PreviewView], list[dict[str, Any]]]
FILE_OBJECT_TYPES = frozenset({"files", "file"})


def default_icon() -> str:
    """The icon of an activity whose type and source name none (site-relative)."""
    return static("activities/img/activity.svg")


def file_previewer(view: PreviewView) -> list[dict[str, Any]]:
    """Nextcloud's preview element for an activity about a file: the file's mime-type icon and its link.

    Other objects have no preview. ``link`` and ``source`` may be site-relative: the API makes them absolute.
    """
    if view.object_type not in FILE_OBJECT_TYPES or not view.object_id:
        return []
    file = next((p for p in view.params.values() if isinstance(p, dict) and p.get("type") == "file"), {})
    filename = view.object_name.rsplit("/", 1)[-1] or str(file.get("name", ""))
    return [
        {
            "link": str(file.get("link") or view.link),
            "source": static("activities/img/file.svg"),
            "mimeType": str(file.get("mimetype", "application/octet-stream")),
            "isMimeTypeIcon": True,
            "fileId": view.object_id,
            "view": "files",
            "filename": filename,
        }
    ]


@dataclass(frozen=True)
class ActivityType:
    """How one type of activity of a source reads: subject and message renderers, and its previews."""

    source: str
    type: str
    label: str
    subject_renderer: Renderer = field(default=default_renderer)
    message_renderer: Renderer = field(default=default_renderer)
    previewer: Previewer = field(default=file_previewer)


_sources: dict[str, ActivitySource] = {}
_types: dict[tuple[str, str], ActivityType] = {}


def register_source(source: ActivitySource) -> None:
    """Add a source (an OCS filter). Ids are lowercase a-z and ``_`` and may not shadow a built-in filter."""
    if not _FILTER_ID.match(source.id) or source.id in RESERVED_FILTER_IDS:
        raise ValueError(
            f"invalid activity source id {source.id!r}: lowercase a-z and _, not {sorted(RESERVED_FILTER_IDS)}"
        )
    _sources[source.id] = source


def register_type(activity_type: ActivityType) -> None:
    _types[(activity_type.source, activity_type.type)] = activity_type


def sources() -> list[ActivitySource]:
    return sorted(_sources.values(), key=lambda s: (s.priority, s.id))


def source_get(source_id: str) -> ActivitySource | None:
    return _sources.get(source_id)


def type_get(source: str, type_: str) -> ActivityType:
    return _types.get((source, type_)) or ActivityType(source=source, type=type_, label=type_)
