from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    # Our own app, not Django Channels (never add that dependency: the names would clash).
    name = "channels"
    label = "channels"
    verbose_name = "Channels (Pryv activity data)"

    def ready(self) -> None:
        from channels import activity_types
        from channels.api import schema  # noqa: F401 - registers the drf-spectacular extension

        activity_types.register()
