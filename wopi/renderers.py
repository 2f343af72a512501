"""How WOPI activities read in a stream: "Ann commented on report.docx", "Ann mentioned you in report.docx"."""

from __future__ import annotations

from activities.registry import ActivityView, Rendered, render_template


def _rendered(template: str, view: ActivityView) -> Rendered:
    params = {key: value for key, value in view.params.items() if f"{{{key}}}" in template}
    return Rendered(render_template(template, params), template, params)


def actor_renderer(view: ActivityView) -> Rendered:
    """The stored subject, with "You" for the actor's own activities ("You commented on {file}")."""
    template = view.template
    if view.viewer_id is not None and view.viewer_id == view.actor_id and template.startswith("{actor} "):
        template = "You " + template.removeprefix("{actor} ")
    return _rendered(template, view)


def mention_renderer(view: ActivityView) -> Rendered:
    """ "{actor} mentioned you in {file}" for the mentioned reader, "You mentioned {person} in {file}" for the
    actor, the stored "{actor} mentioned {person} in {file}" for anyone else (the file's owner)."""
    mentioned = view.params.get("mentioned", {}).get("users", [])
    if view.viewer_id is not None and view.viewer_id == view.actor_id:
        return _rendered("You mentioned {person} in {file}", view)
    if view.viewer_id is not None and isinstance(mentioned, list) and view.viewer_id in mentioned:
        return _rendered("{actor} mentioned you in {file}", view)
    return _rendered(view.template, view)
