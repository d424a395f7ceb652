"""The curated lists specialists choose from, and the words people use for them.

One vocabulary serves search, topic suggestion and article linking: each specialty and
approach lists the terms (single words or lay phrases such as "can't sleep") that say a text
or a query is about it. Terms are compared as `words()` makes them (lower case, light
stemming), so "panic attacks" matches "panic attack" and "sleeping" matches "sleep".
Loaded by data migrations; a new entry needs one (see directory/migrations).
"""

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[str, ...]
    # Words people use for it that also turn up in texts about other things (alcohol in an
    # article on sleep): search uses them alike; in a text they weigh half.
    signals: tuple[str, ...] = ()
    # Set only where the slug predates the name (renamed entries keep their addresses).
    fixed_slug: str = ""

    @property
    def slug(self) -> str:
        return self.fixed_slug or slugify(self.name.replace("+", " plus"))


SPECIALTY_CONCEPTS: tuple[Concept, ...] = (
    Concept("Anxiety", (
        "anxiety", "anxious", "panic", "panic attack", "phobia", "nervousness",
        "social anxiety", "generalised anxiety", "generalized anxiety",
    ), signals=("worry", "worrying", "nervous", "dread")),
    Concept("Depression", (
        "depression", "depressed", "depressive", "low mood", "hopeless", "hopelessness",
        "no motivation", "antidepressant", "anhedonia",
    ), signals=("sadness",)),
    Concept("Trauma", (
        "trauma", "traumatic", "traumatised", "traumatized", "ptsd", "post-traumatic",
        "post-traumatic stress", "flashback", "childhood abuse", "sexual abuse",
        "domestic violence", "hypervigilance",
    ), signals=("survivor", "assault")),
    Concept("Addictions", (
        "addiction", "addicted", "addictive", "alcoholism", "alcohol use disorder",
        "heavy drinking", "problem drinking", "stop drinking", "drinking problem", "substance use",
        "gambling", "relapse", "craving", "sober", "sobriety", "opioid", "cannabis", "smoking",
        "smoker", "tobacco", "nicotine", "vaping",
    ), signals=("alcohol", "drinking", "drink", "drugs", "quit", "withdrawal")),
    Concept("Eating disorders", (
        "eating disorder", "anorexia", "bulimia", "binge eating", "purging", "restricting food",
        "arfid", "disordered eating",
    ), signals=("binge",)),
    Concept("Body image", (
        "body image", "body dissatisfaction", "hate my body", "body shame", "dysmorphia",
        "weight stigma", "body confidence", "body neutrality",
    ), signals=("appearance", "mirror")),
    Concept("Relationship issues", (
        "relationship", "breakup", "break up", "heartbreak", "dating", "jealousy", "jealous",
        "infidelity", "cheating",
    ), signals=("partner", "trust", "attachment", "couple", "marriage", "married", "spouse")),
    Concept("Couples", (
        "couple", "couples therapy", "marriage", "married", "spouse", "marital",
    ), signals=("husband", "wife", "partner", "relationship")),
    Concept("Grief and loss", (
        "grief", "grieving", "grieve", "bereavement", "bereaved", "mourning", "mourn",
        "loss of a loved one", "widow", "widowed", "funeral",
    ), signals=("death",), fixed_slug="grief"),
    Concept("Stress", (
        "stress", "stressed", "stressful",
    ), signals=("overwhelmed", "overwhelm", "pressure", "tension")),
    Concept("Self-esteem", (
        "self-esteem", "self-worth", "self-confidence", "inner critic", "self-critical",
        "self-criticism", "not good enough", "self-compassion", "worthless",
    ), signals=("confidence", "insecurity")),
    Concept("OCD", (
        "ocd", "obsessive", "obsession", "compulsive", "compulsion", "intrusive thought",
    ), signals=("ritual",)),
    Concept("ADHD", (
        "adhd", "attention deficit", "hyperactivity", "hyperactive", "impulsivity",
        "inattentive", "distractible", "can't focus",
    )),
    Concept("LGBTQ+ affirming care", (
        "lgbtq", "lgbt", "gay", "lesbian", "bisexual", "transgender", "queer", "coming out",
        "gender identity", "sexual orientation", "non-binary",
    ), fixed_slug="lgbtq-plus-issues"),
    Concept("Family conflict", (
        "family conflict", "in-laws", "estrangement", "estranged", "family argument",
    ), signals=("siblings", "sibling")),
    Concept("Sleep and insomnia", (
        "sleep", "insomnia", "sleepless", "can't sleep", "trouble sleeping", "nightmare",
        "bedtime", "awake at night", "sleep hygiene",
    )),
    Concept("Bipolar disorder", (
        "bipolar", "mania", "manic", "hypomania", "hypomanic", "mood swings",
        "mood stabiliser", "mood stabilizer", "lithium",
    )),
    Concept("Parenting and family", (
        "parenting", "parent", "toddler", "tantrum", "co-parenting",
    ), signals=("child", "children", "son", "daughter", "teenager")),
    Concept("Anger", (
        "anger", "angry", "rage", "irritability", "irritable", "temper", "lose my temper",
        "outburst", "resentment",
    )),
    Concept("Perinatal and postpartum", (
        "postpartum", "postnatal", "perinatal", "pregnancy", "pregnant", "new mother",
        "new parent", "miscarriage", "baby blues",
    ), signals=("birth", "newborn")),
    Concept("Loneliness", (
        "loneliness", "lonely", "isolation", "isolated", "social connection",
    )),
    Concept("Life transitions", (
        "life transition", "retirement", "moving abroad", "relocation", "empty nest",
        "life change", "new chapter", "starting university",
    ), signals=("transition", "retire")),
    Concept("Chronic illness and pain", (
        "chronic pain", "chronic illness", "chronic fatigue", "fibromyalgia", "arthritis",
        "migraine", "long-term condition", "long covid", "flare-up", "diabetes",
    )),
    Concept("Work stress and burnout", (
        "burnout", "burned out", "burnt out", "work stress", "overwork",
    ), signals=("job", "career", "boss", "manager", "colleague", "workplace")),
)  # fmt: skip

APPROACH_CONCEPTS: tuple[Concept, ...] = (
    Concept("CBT", ("cbt", "cognitive behavioural", "cognitive behavioral", "thought record")),
    Concept("EFT", ("eft", "emotionally focused")),
    Concept("Psychodynamic", ("psychodynamic", "unconscious")),
    Concept("Art therapy", ("art therapy", "drawing", "painting")),
    Concept("Mindfulness-based", ("mindfulness", "mindful", "meditation")),
    Concept("DBT", ("dbt", "dialectical")),
    Concept("ACT", ("acceptance and commitment",)),
    Concept("EMDR", ("emdr", "eye movement")),
    Concept("Person-centred", ("person-centred", "person-centered")),
    Concept("Solution-focused", ("solution-focused",)),
    Concept("Narrative therapy", ("narrative therapy",)),
    Concept("Gottman method", ("gottman",)),
)

SPECIALTIES = [concept.name for concept in SPECIALTY_CONCEPTS]
APPROACHES = [concept.name for concept in APPROACH_CONCEPTS]

LANGUAGES = [
    "English",
    "French",
    "Spanish",
    "German",
    "Portuguese",
    "Italian",
    "Polish",
    "Ukrainian",
    "Mandarin",
    "Cantonese",
    "Hindi",
    "Punjabi",
    "Arabic",
    "Tagalog",
]

# Words too common to say what a text is about ("up", "out", "down", "no", "not" and "on"
# are kept: they make phrases such as "burned out" and "not good enough").
STOPWORDS = frozenset(
    [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
        "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
        "both", "but", "by", "can", "could", "did", "do", "does", "doing", "during", "each",
        "even", "ever", "every", "few", "for", "from", "further", "get", "had", "has", "have",
        "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i",
        "if", "in", "into", "is", "it", "its", "itself", "just", "let", "like", "may", "me",
        "might", "more", "most", "much", "must", "my", "myself", "nor", "now", "of", "off",
        "often", "once", "one", "only", "or", "other", "our", "ours", "ourselves", "over", "own",
        "per", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
        "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
        "through", "to", "too", "under", "until", "upon", "very", "was", "we", "were", "what",
        "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within",
        "would", "you", "your", "yours", "yourself", "yourselves", "us", "way", "ways", "make",
        "made", "many", "well", "thing", "things", "first", "step", "help", "need", "use", "see",
        "go", "come", "take", "however", "therefore", "instead", "rather", "something", "someone",
        "anyone", "really", "still", "yet", "back", "always", "never", "sometimes", "usually",
        "without", "around", "across",
    ]
)  # fmt: skip
_TOKEN = re.compile(r"[a-z][a-z'+-]*[a-z+]|[a-z]")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light, predictable suffix stripper (relationships -> relationship, sleeping -> sleep)."""
    word = word.removesuffix("'s").strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> Iterator[str]:
    """The stemmed words of a text in order, without stopwords ("can't" is kept: "cant")."""
    for match in _TOKEN.finditer(text.lower().replace("\u2019", "'")):
        word = match.group()
        if word in STOPWORDS:
            continue
        yield stem(word.replace("can't", "cant").replace("cannot", "cant"))


@functools.cache
def _term_words(term: str) -> tuple[str, ...]:
    return tuple(words(term))


SIGNAL_WEIGHT = 0.5


@functools.cache
def _index() -> dict[str, list[tuple[tuple[str, ...], str, str, float]]]:
    """First word of every term -> (its words, concept kind, concept slug, weight)."""
    weights: dict[tuple[tuple[str, ...], str, str], float] = {}
    for kind, concepts in (("specialty", SPECIALTY_CONCEPTS), ("approach", APPROACH_CONCEPTS)):
        for concept in concepts:
            # Signals first, so that a term listed as both weighs in full.
            for terms, weight in ((concept.signals, SIGNAL_WEIGHT), (concept.terms, 1.0)):
                for term in terms:
                    if parts := _term_words(term):
                        weights[(parts, kind, concept.slug)] = weight
    index: dict[str, list[tuple[tuple[str, ...], str, str, float]]] = {}
    for (parts, kind, slug), weight in weights.items():
        index.setdefault(parts[0], []).append((parts, kind, slug, weight))
    return index


@dataclass(frozen=True)
class Mention:
    kind: str  # "specialty" or "approach"
    slug: str
    term: str  # the matched words, joined by spaces
    weight: float  # 1, or SIGNAL_WEIGHT for a signal


def mentions(text_words: Sequence[str]) -> Iterator[Mention]:
    """Every vocabulary term in a sequence of words(), the longest match at each position.

    Each word belongs to one match: "panic attack" counts once, not also as "panic", and
    "post-traumatic stress" is trauma, not stress. Concepts sharing that longest term all get it.
    """
    index = _index()
    position = 0
    while position < len(text_words):
        matches = [
            entry
            for entry in index.get(text_words[position], ())
            if tuple(text_words[position : position + len(entry[0])]) == entry[0]
        ]
        if not matches:
            position += 1
            continue
        longest = max(len(entry[0]) for entry in matches)
        for parts, kind, slug, weight in matches:
            if len(parts) == longest:
                yield Mention(kind, slug, " ".join(parts), weight)
        position += longest


def specialties_mentioned(text: str) -> list[str]:
    """Slugs of the specialties a short text (a search, a person's own words) names."""
    found = dict.fromkeys(m.slug for m in mentions(list(words(text))) if m.kind == "specialty")
    return list(found)
