"""manage.py seed_demo: a believable demo, idempotently (running it twice changes nothing)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.progress import Progress
from accounts.services import user_create

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo accounts, printed on purpose  # nosec B105
DEMO_USERS = [
    # username, display name, groups, staff
    ("ann", "Ann Archer", ["staff"], True),
    ("bob", "Bob Baker", ["students"], False),
    ("carla", "Carla Chen", ["faculty"], False),
    ("dev", "Dev Desai", ["students", "staff"], False),
]
ADMIN = ("admin", "Site Admin")


class Command(BaseCommand):
    help = "Fill the database with demo users, groups, channels, events and activities of every family."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app that has demo data ships a ``demo`` module with ``seed(users, stdout) -> list[str]``;
        # found by name so that accounts imports none of the apps above it.
        seeders = []
        for config in apps.get_app_configs():
            try:
                seeders.append(import_module(f"{config.name}.demo"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
        progress = Progress("Seeding demo", len(DEMO_USERS) + 1 + len(seeders))
        notes: list[str] = []
        with transaction.atomic():
            users: dict[str, User] = {}
            for username, display_name, groups, staff in DEMO_USERS:
                users[username] = self._user(username, display_name, groups, staff=staff)
                progress.advance()
            users[ADMIN[0]] = self._user(ADMIN[0], ADMIN[1], [], staff=True, superuser=True)
            progress.advance()
            for seeder in seeders:
                notes.extend(seeder.seed(users))
                progress.advance()
        progress.finish()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for username, _, groups, _ in [*DEMO_USERS, (ADMIN[0], "", ["Django admin: /admin/"], True)]:
            self.stdout.write(f"  {username:<6} / {DEMO_PASSWORD}   ({', '.join(groups)})")
        for note in notes:
            self.stdout.write(f"  {note}")

    def _user(
        self, username: str, display_name: str, groups: list[str], *, staff: bool, superuser: bool = False
    ) -> User:
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            return existing
        return user_create(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@example.edu",
            display_name=display_name,
            is_staff=staff,
            is_superuser=superuser,
            groups=groups,
        )
