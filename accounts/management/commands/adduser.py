"""manage.py adduser NAME --password P [--email E] [--staff] [--superuser] [--group G ...]"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user (Pryv user name and Aggiefeed kName), optionally staff and in groups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--staff", action="store_true", help="may log into the Django admin")
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument("--group", action="append", default=[], help="audience group (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        if User.objects.filter(username__iexact=name).exists():
            raise CommandError(f"User {name!r} already exists; pick another name or change it in the admin.")
        try:
            user = user_create(
                username=name,
                password=options["password"],
                email=options["email"],
                display_name=options["display_name"],
                is_staff=options["staff"],
                is_superuser=options["superuser"],
                groups=options["group"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        groups = ", ".join(options["group"]) or "no group"
        self.stdout.write(self.style.SUCCESS(f"Created user {user.username} ({groups})."))
