"""How a campus feed post reads in a stream: its title as the subject, its content and link as the message."""

from __future__ import annotations

from activities.registry import ActivityView, Rendered


def post_subject(view: ActivityView) -> Rendered:
    """``{source} posted {post}``: the sending department and the post's title (linked to its URL)."""
    params = {key: dict(value) for key, value in view.params.items() if key in ("source", "post")}
    source = params.get("source", {}).get("name", view.actor_name)
    title = params.get("post", {}).get("name", "")
    return Rendered(f"{source} posted {title}", view.template, params)


def post_message(view: ActivityView) -> Rendered:
    """The post's content as written, then its link if it has one (the rich form names it ``{link}``)."""
    link = view.params.get("link")
    if link is None:
        return Rendered(view.template, view.template, {})
    label, url = str(link.get("name", "")), str(link.get("id", ""))
    text = f"{view.template}\n\n{label}: {url}" if label != url else f"{view.template}\n\n{url}"
    return Rendered(text, f"{view.template}\n\n{{link}}", {"link": dict(link)})
