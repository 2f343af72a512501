"""manage.py expire_activities --days N [--batch-size B] [--dry-run]: for cron."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.progress import Progress
from activities.retention import activity_expire, activity_expired_count

MAX_DAYS = 36500


class Command(BaseCommand):
    help = "Delete activities older than --days days (and their stream entries), in batches, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, required=True, help="keep activities of the last N days")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true", help="only count what would expire")

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        batch_size: int = options["batch_size"]
        if days < 1:
            raise CommandError("--days must be 1 or more (0 would delete every activity).")
        if days > MAX_DAYS:
            raise CommandError(f"--days must be at most {MAX_DAYS} (a hundred years).")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        before = timezone.now() - timedelta(days=days)
        total = activity_expired_count(before=before)
        if options["dry_run"] or total == 0:
            self.stdout.write(f"{total} activities are older than {days} days.")
            return
        progress = Progress("Expiring activities", total)
        removed = activity_expire(before=before, batch_size=batch_size, on_batch=progress.advance)
        progress.finish()
        self.stdout.write(self.style.SUCCESS(f"Expired {removed} activities older than {days} days."))
