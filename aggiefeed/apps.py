from django.apps import AppConfig


class AggiefeedConfig(AppConfig):
    name = "aggiefeed"
    verbose_name = "Aggiefeed"

    def ready(self) -> None:
        from activities import registry
        from aggiefeed import rendering
        from aggiefeed.api import schema  # noqa: F401 - registers the OpenAPI auth extensions

        registry.register_source(
            registry.ActivitySource(id="aggiefeed", name="Campus feed", icon="icon-bullhorn", priority=40)
        )
        registry.register_type(
            registry.ActivityType(
                source="aggiefeed",
                type="post",
                label="Campus feed post",
                subject_renderer=rendering.post_subject,
                message_renderer=rendering.post_message,
            )
        )
