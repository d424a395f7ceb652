"""Importing plain-text articles such as the seeds: text in, a published Article out.

The parser keeps the article and splits off only what is not: the publishing site's
interface text after it, an author's bio block that clearly is one, the word "References"
above the reference list and a repeated title. Every word is accounted for: the words in
equal the words out plus what was split off, or the import fails. Everything it produces
goes through the same domain functions and Markdown sanitizer as an article written here.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from content import articles
from content.models import Article
from directory.models import Specialist

# The first line of the publishing site's own interface text: the article ends before it.
INTERFACE_MARKERS = (
    "you need to be logged in",
    "to create your specialist profile",
    "to create a new question",
    "share on other sites",
    "login sign up",
    "no internet connection",
    "if you are considering psychotherapy but do not know where to start",
)
_BULLET = re.compile(r"^\s*(?:[-\u2022*]|\u25cf)\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
_READ_BIO = re.compile(r"^read full bio of\s+(.+?)\s*$", re.IGNORECASE)
_REFERENCES = re.compile(r"^\s*(references|sources|bibliography)\s*:?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_NAME_WORD = re.compile(r"^[A-Z][a-zA-Z'.-]*$")
# A closing bio says what the author does; a paragraph that happens to start with the last
# heading's words does not.
BIO_WORDS = (
    "therapist", "psychotherapist", "psychologist", "counsellor", "counselor", "psychiatrist",
    "social worker", "registered", "licensed", "clinician", "coach", "practitioner", "author",
    "writer", "graduated", "degree", "founder",
)  # fmt: skip
TITLE_MAX = 200


class ImportRefused(ValueError):
    """A text cannot be imported as it is; the message says why and is safe to show."""


def count_words(text: str) -> int:
    """Words as the importer accounts for them: runs of letters and digits (Markdown marks,
    bullets and table rules are not words)."""
    return len(_WORD.findall(text))


@dataclass
class ParsedArticle:
    title: str
    summary: str
    body: str
    references: list[str] = field(default_factory=list)
    author_name: str = ""
    # Whether the summary is a line of its own (else it repeats the body's first sentences).
    summary_is_own: bool = False
    words_in: int = 0
    # What was split off, by what it was, in words.
    split_off: dict[str, int] = field(default_factory=dict)

    @property
    def words_out(self) -> int:
        kept = [self.title, self.body, *self.references]
        if self.summary_is_own:
            kept.append(self.summary)
        return sum(count_words(text) for text in kept)

    @property
    def words_lost(self) -> int:
        return self.words_in - self.words_out - sum(self.split_off.values())


def _is_interface(line: str) -> bool:
    return line.strip().lower().startswith(INTERFACE_MARKERS)


def _is_heading(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 80
        and text[-1] not in '.,;:!\u201d"'
        and not _BULLET.match(text)
        and not _NUMBERED.match(text)
        and not text.startswith(("|", "\u201c", '"', "Q:", "A:"))
        and text[0].isupper()
    )


def _closing_bio_author(lines: list[str]) -> tuple[int, str] | None:
    """A block "NAME / up to two lines of titles / NAME is a ..." that ends the text (seed
    003): its index and NAME. Only when the last paragraph starts with the name and says what
    the author does; a heading that looks like a name is left alone."""
    content = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    if len(content) < 2:
        return None
    last = content[-1][1]
    for index, text in content[-4:-1]:
        words = text.split()
        if not (2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)):
            continue
        if last.startswith((f"{text} is a ", f"{text} is an ")) and any(
            word in last.lower() for word in BIO_WORDS
        ):
            return index, text
    return None


def _references(lines: list[str]) -> list[str]:
    entries: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _BULLET.match(line) or not entries or text.startswith(("http://", "https://")):
            entries.append(_BULLET.sub("", line).strip())
        else:
            entries[-1] = f"{entries[-1]} {text}"  # an indented note under the entry
    return entries


def _markdown(lines: list[str]) -> str:
    """Paragraphs, headings, bullet and numbered lists and pipe tables as Markdown."""
    blocks: list[str] = []
    kind = ""
    for raw in lines:
        text = raw.strip()
        if not text:
            kind = ""
            continue
        if text.startswith("|"):
            new_kind, rendered = "table", text
        elif _BULLET.match(raw):
            new_kind, rendered = "list", "- " + _BULLET.sub("", raw).strip()
        elif _NUMBERED.match(raw) and _is_heading(_NUMBERED.sub("", text)):
            # A short numbered line introduces a step ("2. Take Responsibility"): a heading
            # keeps its number, which separate one-item lists would reset to 1.
            new_kind, rendered = "heading", "### " + text
        elif _NUMBERED.match(raw):
            new_kind, rendered = "olist", _NUMBERED.sub(lambda m: f"{m.group(1)}. ", text)
        elif _is_heading(text):
            new_kind, rendered = "heading", "## " + text
        else:
            new_kind, rendered = "para", text
        if blocks and new_kind == kind and kind in ("table", "list", "olist"):
            blocks[-1] += "\n" + rendered
        else:
            blocks.append(rendered)
        kind = new_kind
    return "\n\n".join(blocks)


def parse(text: str) -> ParsedArticle:
    """Split one plain-text article into title, summary, Markdown body, references, author,
    counting the words in and what was split off. Raises ImportRefused without a title."""
    lines = text.replace("\r\n", "\n").split("\n")
    split_off: dict[str, int] = {}

    def cut(at: int, what: str) -> None:
        nonlocal lines
        split_off[what] = split_off.get(what, 0) + count_words("\n".join(lines[at:]))
        lines = lines[:at]

    for i, line in enumerate(lines):
        if _is_interface(line):
            cut(i, "site interface text")
            break
    author_name = ""
    for i, line in enumerate(lines):
        if match := _READ_BIO.match(line.strip()):
            author_name = match.group(1)
            cut(i, "author bio")
            break
    if bio := _closing_bio_author(lines):
        index, author_name = bio
        cut(index, "author bio")
    references: list[str] = []
    for i, line in enumerate(lines):
        if _REFERENCES.match(line):
            references = _references(lines[i + 1 :])
            split_off["references heading"] = count_words(line)
            lines = lines[:i]
            break

    content = [line for line in lines if line.strip()]
    if not content:
        raise ImportRefused("The text has no title.")
    title = content[0].strip()
    if len(title) > TITLE_MAX:
        raise ImportRefused(f"The first line (the title) is longer than {TITLE_MAX} characters.")
    body_lines = lines[lines.index(content[0]) + 1 :]
    # Drop a repeated title (seed 003) and take a short subtitle as the summary (seed 002).
    nonblank = [i for i, line in enumerate(body_lines) if line.strip()]
    summary = ""
    if nonblank and body_lines[nonblank[0]].strip().lower() == title.lower():
        split_off["repeated title"] = count_words(title)
        body_lines = body_lines[nonblank[0] + 1 :]
        nonblank = [i for i, line in enumerate(body_lines) if line.strip()]
    first_line = body_lines[nonblank[0]].strip() if nonblank else ""
    if 0 < len(first_line) <= 160 and not _is_heading(first_line) and first_line[0].isalpha():
        summary = body_lines[nonblank[0]].strip()
        body_lines = body_lines[nonblank[0] + 1 :]
    summary_is_own = bool(summary)
    body = _markdown(body_lines)
    if not summary:
        paragraphs = [b for b in body.split("\n\n") if not b.startswith(("#", "-", "|"))]
        first = next((p for p in paragraphs if len(p) >= 100), paragraphs[0] if paragraphs else "")
        summary = _first_sentences(first, limit=300)
    return ParsedArticle(
        title=title,
        summary=summary,
        body=body,
        references=references,
        author_name=author_name,
        summary_is_own=summary_is_own,
        words_in=count_words(text),
        split_off=split_off,
    )


def _first_sentences(text: str, *, limit: int) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text)
    summary = ""
    for sentence in sentences:
        if len(summary) + len(sentence) + 1 > limit:
            break
        summary = f"{summary} {sentence}".strip()
    return summary or text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


@dataclass(frozen=True)
class ImportResult:
    article: Article
    created: bool
    changed: bool


def content_key(*, title: str, summary: str, body: str, references: list[str]) -> str:
    """Identifies an imported text by what it became (as stored), so that the same text
    imported again is recognised, whatever its title shares with another."""
    parts = [articles.plain(p) for p in (title, summary, body, *references)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _author(name: str) -> Specialist | None:
    matches = list(Specialist.objects.filter(name__iexact=name)[:2]) if name else []
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def import_text(*, text: str, update: Article | None = None) -> ImportResult:
    """Import a text as a new published article, or into `update` when it is named.

    The same text again changes nothing. Another text with the same title becomes another
    article with an address of its own, never an overwrite. Raises ImportRefused when the
    text has no title, would lose words, or is already another article.
    """
    parsed = parse(text)
    if parsed.words_lost:
        raise ImportRefused(
            f"{parsed.words_in} words in but {parsed.words_out} out and "
            f"{sum(parsed.split_off.values())} split off: the import would lose text."
        )
    key = content_key(
        title=parsed.title, summary=parsed.summary, body=parsed.body, references=parsed.references
    )
    existing = Article.objects.filter(import_key=key).first()
    if existing is not None and (update is None or existing.pk == update.pk):
        return ImportResult(article=existing, created=False, changed=False)
    if existing is not None:
        raise ImportRefused(f"This text is already the article \u201c{existing.slug}\u201d.")
    author = _author(parsed.author_name)
    article_text = articles.ArticleText(
        title=parsed.title,
        summary=parsed.summary,
        body=parsed.body,
        references=parsed.references,
        # New: none, so that articles suggests some from the text for staff to confirm.
        topics=list(update.topics.all()) if update else [],
    )
    if update is None:
        article = articles.create_article(
            author=author,
            author_name=parsed.author_name,
            text=article_text,
            publish=True,
            import_key=key,
        )
        return ImportResult(article=article, created=True, changed=True)
    update.author = author
    update.author_name = "" if author else articles.plain(parsed.author_name)
    update.import_key = key
    articles.update_article(article=update, text=article_text)
    return ImportResult(article=update, created=False, changed=True)


def import_file(path: Path, *, update: Article | None = None) -> ImportResult:
    return import_text(text=path.read_text(encoding="utf-8"), update=update)
