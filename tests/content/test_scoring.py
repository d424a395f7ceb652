import random

from content import linking

WORDS = [w for words in linking.SPECIALTY_WORDS.values() for w in words] + [
    "routine", "sleep", "patterns", "support", "change", "habits", "morning", "values",
]  # fmt: skip


def corpus(rng: random.Random, size: int) -> list[tuple[int, int | None, dict[str, float]]]:
    slugs = list(linking.SPECIALTY_WORDS)
    articles = []
    for pk in range(1, size + 1):
        topics = rng.sample(slugs, rng.randint(0, 2))
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        terms = linking.article_terms(title="", summary="", body=body, topic_slugs=topics)
        articles.append((pk, rng.choice([None, 1, 2, 3]), terms))
    return articles


def brute_force(index, profile, specialist_id):
    scored = [
        (round(linking.score(a.vector, profile), 6), pk)
        for pk, a in index.articles.items()
        if a.author_id != specialist_id
    ]
    scored = [item for item in scored if item[0] >= linking.RELEVANCE_THRESHOLD]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(pk, value) for value, pk in scored[: linking.LINKS_PER_PROFILE]]


def test_the_index_finds_the_same_top_five_as_scoring_every_article():
    rng = random.Random(7)
    index = linking.ArticleIndex(corpus(rng, 400))
    slugs, approaches = list(linking.SPECIALTY_WORDS), list(linking.APPROACH_WORDS)

    for specialist_id in range(1, 60):
        profile = linking.profile_vector(
            specialty_slugs=rng.sample(slugs, rng.randint(1, 5)),
            approach_slugs=rng.sample(approaches, rng.randint(0, 3)),
            bio=" ".join(rng.choice(WORDS) for _ in range(30)),
        )
        assert index.top_for(profile, specialist_id=specialist_id) == brute_force(
            index, profile, specialist_id
        )


def test_an_article_without_a_shared_concept_scores_zero_whatever_the_bio():
    article = linking.article_terms(
        title="Grief", summary="", body="grief loss mourning routine sleep", topic_slugs=["grief"]
    )
    profile = linking.profile_vector(
        specialty_slugs=["ocd"], approach_slugs=[], bio="grief loss mourning routine sleep"
    )

    assert linking.score(article, profile) == 0.0


def test_stemming_folds_plurals_and_verb_forms():
    assert list(linking.tokens("Relationships, partners, dating and worries")) == [
        "relationship", "partner", "dat", "worry",
    ]  # fmt: skip
