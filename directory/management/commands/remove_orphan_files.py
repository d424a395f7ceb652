from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from directory import files


class Command(BaseCommand):
    help = (
        "Delete uploaded files that no row points at (older than a day). "
        "With --dry-run, only list them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        orphans = files.remove_orphans(now=timezone.now(), dry_run=dry_run)
        for name in orphans:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{len(orphans)} orphan file(s) {verb}."))
