"""``manage.py wopi_token USER FILE_ID``: print an access token for one user and one file, with its expiry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from wopi.errors import UnknownFile
from wopi.selectors import file_access
from wopi.tokens import access_token_mint


class Command(BaseCommand):
    help = "Mint a WOPI access token for USER (user name) on FILE_ID; the user must be able to open the file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user")
        parser.add_argument("file_id")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            access = file_access(user=user, file_id=options["file_id"])
        except UnknownFile as exc:
            raise CommandError(f"{user.username} cannot open a file {options['file_id']!r}.") from exc
        grant = access_token_mint(user_id=user.pk, file_id=str(access.file.pk))
        expiry = datetime.fromtimestamp(grant.expires_ms / 1000, tz=UTC).isoformat()
        self.stdout.write(f"access_token={grant.token}\naccess_token_ttl={grant.expires_ms}\nexpires={expiry}\n")
