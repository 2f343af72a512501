from django.apps import AppConfig


class AggiefeedConfig(AppConfig):
    name = "aggiefeed"
    verbose_name = "Aggiefeed"
