"""manage.py purge_trash --days N [--dry-run]: delete for good what has been in the trash N days (for cron)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.progress import Progress
from channels.services import trash_purge


class Command(BaseCommand):
    help = "Delete for good the channels, folders and events that went to the trash more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, required=True, help="keep what was trashed in the last N days")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be purged")

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        if not 0 <= days <= 36500:
            raise CommandError("--days must be between 0 (everything in the trash) and 36500.")
        before = timezone.now() - timedelta(days=days)
        counts = trash_purge(before=before, dry_run=True)
        total = sum(counts.values())
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        if options["dry_run"] or total == 0:
            self.stdout.write(f"In the trash for more than {days} days: {summary}.")
            return
        progress = Progress("Purging the trash", total)
        done = trash_purge(before=before, on_item=progress.advance)
        progress.finish()
        purged = ", ".join(f"{count} {kind}" for kind, count in done.items())
        self.stdout.write(self.style.SUCCESS(f"Purged {purged} (items inside a purged one went with it)."))
