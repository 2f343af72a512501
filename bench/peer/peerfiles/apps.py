from django.apps import AppConfig


class PeerFilesConfig(AppConfig):
    name = "peerfiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """actstream only streams registered models: users, groups and files."""
        from actstream import registry
        from django.contrib.auth.models import Group, User

        registry.register(User, Group, self.get_model("BenchFile"))
