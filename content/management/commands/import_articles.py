from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content import importing
from content.models import Article


class Command(BaseCommand):
    help = (
        "Import plain-text articles (title, body, references, author). Safe to run again: the "
        "same text is never imported twice, and a text with the title of another article "
        "becomes a new article unless --update names the article to replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="text files or folders of .txt")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="import nothing; print per file the title, author, words in and out, and "
            "what would be split off",
        )
        parser.add_argument(
            "--update", metavar="SLUG", help="replace the text of this article (one file only)"
        )

    def handle(
        self, *args: object, paths: list[Path], dry_run: bool, update: str | None, **options: object
    ) -> None:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(path.glob("*.txt")))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        target = None
        if update:
            if len(files) != 1:
                raise CommandError("--update takes exactly one file.")
            target = Article.objects.filter(slug=update).first()
            if target is None:
                raise CommandError(f"There is no article {update}.")
        for path in files:
            try:
                if dry_run:
                    self._report(path, importing.parse(path.read_text(encoding="utf-8")))
                    continue
                result = importing.import_file(path, update=target)
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(f"{path.name}: {error}") from error
            state = "created" if result.created else "updated" if result.changed else "unchanged"
            self.stdout.write(
                f"{path.name}: {state} article #{result.article.pk} {result.article.slug} "
                f"({result.article.references.count()} references)"
            )

    def _report(self, path: Path, parsed: importing.ParsedArticle) -> None:
        split = ", ".join(f"{what} {n}" for what, n in parsed.split_off.items()) or "nothing"
        self.stdout.write(
            f"{path.name}: title \u201c{parsed.title}\u201d, "
            f"author \u201c{parsed.author_name or '-'}\u201d, "
            f"words in {parsed.words_in}, words out {parsed.words_out}, split off: {split}"
        )
        if parsed.words_lost:
            raise CommandError(
                f"{path.name}: {parsed.words_lost} words are neither kept nor reported as split "
                "off: the import would lose text."
            )
