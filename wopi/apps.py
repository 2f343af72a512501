from django.apps import AppConfig


class WopiConfig(AppConfig):
    name = "wopi"
    verbose_name = "WOPI host"

    def ready(self) -> None:
        """Register the "wopi" activity source and its types, and the OpenAPI auth extension."""
        from activities import registry
        from wopi import renderers
        from wopi.api import schema  # noqa: F401 - registers the OpenAPI extension

        registry.register_source(
            registry.ActivitySource(id="wopi", name="Comments on documents", icon="icon-comment", priority=40)
        )
        registry.register_type(
            registry.ActivityType(
                source="wopi", type="comment", label="Comments", subject_renderer=renderers.actor_renderer
            )
        )
        registry.register_type(
            registry.ActivityType(
                source="wopi", type="mention", label="Mentions", subject_renderer=renderers.mention_renderer
            )
        )
        for type_, label in (
            ("file_edited", "Edits"),
            ("file_renamed", "Renames"),
            ("file_created", "New files"),
            ("file_deleted", "Deletions"),
        ):
            registry.register_type(
                registry.ActivityType(source="wopi", type=type_, label=label, subject_renderer=renderers.actor_renderer)
            )
