from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities (shared store)"

    def ready(self) -> None:
        from activities.api import schema  # noqa: F401 - registers the OpenAPI extension
