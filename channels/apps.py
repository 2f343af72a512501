from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    # Our own app, not Django Channels (never add that dependency: the names would clash).
    name = "channels"
    label = "channels"
    verbose_name = "Channels (Pryv activity data)"
