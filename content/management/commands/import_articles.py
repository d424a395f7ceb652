from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content import importing


class Command(BaseCommand):
    help = "Import plain-text articles (title, body, references, author). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="text files or folders of .txt")

    def handle(self, *args: object, paths: list[Path], **options: object) -> None:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(path.glob("*.txt")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        for path in files:
            try:
                result = importing.import_file(path)
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(f"{path.name}: {error}") from error
            state = "created" if result.created else "updated" if result.changed else "unchanged"
            self.stdout.write(
                f"{path.name}: {state} article #{result.article.pk} "
                f"({result.article.references.count()} references)"
            )
