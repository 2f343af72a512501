"""The objects the peer's actions are about (the project's files)."""

from django.db import models


class BenchFile(models.Model):
    """A file commented on; the action object of the peer's actions."""

    name = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.name
