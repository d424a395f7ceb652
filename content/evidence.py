"""What an article's own text is about, read with the shared vocabulary (directory.taxonomy).

A topic counts only with evidence from the text: its title or summary names it and the body
says it again, or a whole section is about it (the heading names it, or its words are dense
there). One passing mention, a list of conditions, or a side remark (alcohol in an article on
sleep) is not evidence. The result is stored on the article (`Article.evidence`) when its text
changes, so that linking never re-reads bodies and a score depends only on the article and the
profile, never on which other articles exist or when they were published.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from directory import taxonomy

# A section is about a topic when its heading names it and it says so again, or when at least
# this many weighted mentions make up this share of its words.
SECTION_MENTIONS = 3.0
SECTION_DENSITY = 0.06
# Without a section of its own, the title (or summary) must name the topic and the article
# mention it this often in all.
TITLE_MENTIONS = 3.0
# Or sections about it hold this share of the article's words.
COVERAGE = 0.2
# A topic the author chose needs less: two weighted mentions anywhere.
CHOSEN_MENTIONS = 2.0
CHOSEN_BONUS = 0.2
DENSE = 0.05
WORDS_SHOWN = 5
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")


@dataclass(frozen=True)
class Section:
    heading: list[str]
    words: list[str]


def sections(body: str) -> list[Section]:
    """The body split at its Markdown headings; the text before the first is one section."""
    found: list[Section] = [Section([], [])]
    for line in body.splitlines():
        if match := _HEADING.match(line):
            found.append(Section(list(taxonomy.words(match.group(1))), []))
        else:
            found[-1].words.extend(taxonomy.words(line))
    return [s for s in found if s.heading or s.words]


def _weights(
    words: list[str], kind: str, *, full_only: bool = False
) -> tuple[dict[str, float], Counter[str]]:
    """Weighted mentions per concept slug, and how often each matched term occurred."""
    weights: dict[str, float] = {}
    terms: Counter[str] = Counter()
    for mention in taxonomy.mentions(words):
        if mention.kind == kind and (mention.weight == 1 or not full_only):
            weights[mention.slug] = weights.get(mention.slug, 0.0) + mention.weight
            terms[f"{mention.slug}\0{mention.term}"] += 1
    return weights, terms


@dataclass(frozen=True)
class TopicEvidence:
    strength: float
    words: tuple[str, ...]  # the vocabulary terms that matched, most frequent first


def _about(*, named: bool, total: float, coverage: float, chosen: bool) -> bool:
    if chosen and total >= CHOSEN_MENTIONS:
        return True
    return coverage >= COVERAGE or (named and total >= TITLE_MENTIONS)


def topics(
    *, title: str, summary: str, body: str, chosen: Iterable[str] = ()
) -> dict[str, TopicEvidence]:
    """The specialties the text is about, by slug, with a strength (about 0.2 to 1.5) and the
    words that show it. `chosen` are the topics the author picked: they need less evidence
    and weigh a little more, but never count without any."""
    chosen = set(chosen)
    head = list(taxonomy.words(f"{title}\n{summary}"))
    parts = sections(body)
    length = max(1, sum(len(s.words) for s in parts))
    # A title names a topic with a full term, not a signal ("partner" does not make a couples
    # article), but its signals still count as mentions.
    named, _named_terms = _weights(head, "specialty", full_only=True)
    total, head_terms = _weights(head, "specialty")
    terms = Counter(head_terms)
    covered: Counter[str] = Counter()
    for part in parts:
        in_heading, heading_terms = _weights(part.heading, "specialty")
        in_text, text_terms = _weights(part.words, "specialty")
        terms.update(heading_terms + text_terms)
        for slug in in_heading.keys() | in_text.keys():
            mentions = in_heading.get(slug, 0.0) + in_text.get(slug, 0.0)
            total[slug] = total.get(slug, 0.0) + mentions
            if (in_heading.get(slug, 0.0) >= 1 and in_text.get(slug, 0.0) >= 2) or (
                mentions >= SECTION_MENTIONS
                and mentions / max(1, len(part.words)) >= SECTION_DENSITY
            ):
                covered[slug] += len(part.words)
    found: dict[str, TopicEvidence] = {}
    for slug, mentions in total.items():
        coverage = min(1.0, covered[slug] / length)
        is_chosen = slug in chosen
        is_named = named.get(slug, 0.0) >= 1
        if not _about(named=is_named, total=mentions, coverage=coverage, chosen=is_chosen):
            continue
        strength = (
            (0.4 if is_named else 0.0)
            + 0.6 * coverage
            + 0.3 * min(1.0, mentions / length / DENSE)
            + (CHOSEN_BONUS if is_chosen else 0.0)
        )
        words = [
            key.split("\0", 1)[1]
            for key, _count in sorted(terms.items(), key=lambda item: (-item[1], item[0]))
            if key.startswith(f"{slug}\0")
        ]
        found[slug] = TopicEvidence(round(strength, 4), tuple(words[:WORDS_SHOWN]))
    return found


def article_evidence(
    *, title: str, summary: str, body: str, chosen: Iterable[str] = ()
) -> dict[str, object]:
    """What is stored on an article: its evidenced topics, with strength and words."""
    found = topics(title=title, summary=summary, body=body, chosen=chosen)
    return {"topics": {slug: [e.strength, list(e.words)] for slug, e in sorted(found.items())}}


def suggest_topics(*, title: str, summary: str = "", body: str, limit: int = 3) -> list[str]:
    """Specialties to suggest for an untagged article, strongest first. Shown to the author
    (or staff) to confirm: never applied by themselves."""
    found = topics(title=title, summary=summary, body=body)
    ranked = sorted(found.items(), key=lambda item: (-item[1].strength, item[0]))
    return [slug for slug, _evidence in ranked[:limit]]
