"""Importing plain-text articles such as the seeds: text in, a published Article out.

The parser keeps the article and drops what is not (the site's interface text after it,
the author's bio block); everything it produces goes through the same domain functions
and Markdown sanitizer as an article written here.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

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


@dataclass
class ParsedArticle:
    title: str
    summary: str
    body: str
    references: list[str] = field(default_factory=list)
    author_name: str = ""


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
    """A block "NAME / titles / NAME is a ..." at the end (seed 003): its index and NAME."""
    content = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    for position, (index, text) in enumerate(content[:-1]):
        words = text.split()
        if not (2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)):
            continue
        following = [t for _, t in content[position + 1 : position + 3]]
        if any(t.startswith(f"{text} is ") for t in following):
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
    """Split one plain-text article into title, summary, Markdown body, references, author."""
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if _is_interface(line):
            lines = lines[:i]
            break
    author_name = ""
    for i, line in enumerate(lines):
        if match := _READ_BIO.match(line.strip()):
            author_name = match.group(1)
            lines = lines[:i]
            break
    if bio := _closing_bio_author(lines):
        index, author_name = bio
        lines = lines[:index]
    references: list[str] = []
    for i, line in enumerate(lines):
        if _REFERENCES.match(line):
            references = _references(lines[i + 1 :])
            lines = lines[:i]
            break

    content = [line for line in lines if line.strip()]
    if not content:
        raise ValueError("The text has no title.")
    title = content[0].strip()
    body_lines = lines[lines.index(content[0]) + 1 :]
    # Drop a repeated title (seed 003) and take a short subtitle as the summary (seed 002).
    nonblank = [i for i, line in enumerate(body_lines) if line.strip()]
    summary = ""
    if nonblank and body_lines[nonblank[0]].strip().lower() == title.lower():
        body_lines = body_lines[nonblank[0] + 1 :]
        nonblank = [i for i, line in enumerate(body_lines) if line.strip()]
    first_line = body_lines[nonblank[0]].strip() if nonblank else ""
    if 0 < len(first_line) <= 160 and not _is_heading(first_line) and first_line[0].isalpha():
        summary = body_lines[nonblank[0]].strip()
        body_lines = body_lines[nonblank[0] + 1 :]
    body = _markdown(body_lines)
    if not summary:
        paragraphs = [b for b in body.split("\n\n") if not b.startswith(("#", "-", "|"))]
        first = next((p for p in paragraphs if len(p) >= 100), paragraphs[0] if paragraphs else "")
        summary = _first_sentences(first, limit=300)
    return ParsedArticle(
        title=title, summary=summary, body=body, references=references, author_name=author_name
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


@transaction.atomic
def import_text(*, text: str) -> ImportResult:
    """Create or update the article a text holds; the same text again changes nothing."""
    parsed = parse(text)
    key = slugify(parsed.title)[:64]
    matches = list(Specialist.objects.filter(name__iexact=parsed.author_name)[:2])
    author = matches[0] if parsed.author_name and len(matches) == 1 else None
    article_text = articles.ArticleText(
        title=parsed.title,
        summary=parsed.summary,
        body=parsed.body,
        references=parsed.references,
        topics=[],  # suggested from the text by articles, for the author or staff to confirm
    )
    existing = Article.objects.filter(import_key=key).first()
    if existing is None:
        article = articles.create_article(
            author=author,
            author_name=parsed.author_name,
            text=article_text,
            publish=True,
            import_key=key,
        )
        return ImportResult(article=article, created=True, changed=True)
    same = (
        existing.title == parsed.title
        and existing.summary == parsed.summary
        and existing.body == parsed.body
        and existing.author_id == (author.pk if author else None)
        and list(existing.references.values_list("text", flat=True)) == parsed.references
    )
    if same:
        return ImportResult(article=existing, created=False, changed=False)
    existing.author = author
    existing.author_name = "" if author else parsed.author_name
    articles.update_article(article=existing, text=article_text)
    return ImportResult(article=existing, created=False, changed=True)


def import_file(path: Path) -> ImportResult:
    return import_text(text=path.read_text(encoding="utf-8"))
