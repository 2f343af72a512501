from django.apps import AppConfig


class WopiConfig(AppConfig):
    name = "wopi"
    verbose_name = "WOPI host"
