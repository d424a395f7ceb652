import random

from content import evidence, ranking

STRENGTHS = [0.5, 0.9, 1.1, 1.5]
SLUGS = ["anxiety", "depression", "grief", "couples", "sleep-and-insomnia", "ocd", "adhd"]


def candidate(pk: int, author_id: int | None, topics: dict[str, float]) -> ranking.Candidate:
    return ranking.Candidate(pk, author_id, {s: (v, (s,)) for s, v in topics.items()})


def corpus(rng: random.Random, size: int) -> list[ranking.Candidate]:
    return [
        candidate(
            pk,
            rng.choice([None, 1, 2, 3]),
            # Few distinct strengths, so that ties are common and broken by age.
            {slug: rng.choice(STRENGTHS) for slug in rng.sample(SLUGS, rng.randint(0, 3))},
        )
        for pk in range(1, size + 1)
    ]


def test_the_index_finds_the_same_top_three_as_scoring_every_article():
    rng = random.Random(7)
    articles = corpus(rng, 400)
    index = ranking.ArticleIndex(articles)

    for specialist_id in range(1, 60):
        profile = ranking.Profile(frozenset(rng.sample(SLUGS, rng.randint(1, 4))))
        hidden = set(rng.sample(range(1, 401), 5)) if specialist_id % 3 == 0 else set()
        assert index.top_for(profile, specialist_id=specialist_id, hidden=hidden) == (
            ranking.best(articles, profile, skip=hidden, author_id=specialist_id)
        )


def test_an_article_fits_only_profiles_that_share_an_evidenced_topic():
    article = candidate(1, None, {"grief": 0.9})

    assert ranking.match(article, ranking.Profile(frozenset({"ocd"}))) is None
    found = ranking.match(article, ranking.Profile(frozenset({"grief", "ocd"})))
    assert found is not None and found.topics == ("grief",)


def test_a_score_does_not_depend_on_which_other_articles_exist():
    article = candidate(1, None, {"grief": 0.9})
    others = [c for c in corpus(random.Random(3), 50) if c.pk != 1]
    profile = ranking.Profile(frozenset({"grief"}))

    alone = ranking.ArticleIndex([article]).top_for(profile, specialist_id=99)
    among = [m for pk, m in ranking.best([article, *others], profile, limit=100) if pk == 1]

    assert alone == [(1, ranking.match(article, profile))]
    assert among == [ranking.match(article, profile)]


def test_a_guessed_or_chosen_topic_never_counts_without_words_in_the_text():
    found = evidence.topics(
        title="Spring gardening", summary="", body="Plant bulbs in autumn.", chosen=["anxiety"]
    )

    assert found == {}


def test_a_side_remark_is_not_a_topic_but_a_whole_section_is():
    body = (
        "## Keep a regular schedule\n\nGo to bed and get up at the same time, so sleep comes.\n\n"
        "## Watch caffeine and alcohol\n\nAvoid coffee late. Alcohol may make you sleepy but "
        "leads to broken sleep; energy drinks too.\n\n"
        "## Lying awake with worry\n\nAnxiety grows at night. Anxious thoughts and panic "
        "feed insomnia; calming anxiety helps.\n"
    )
    found = evidence.topics(title="Habits for Better Sleep", summary="", body=body)

    assert set(found) == {"sleep-and-insomnia", "anxiety"}
    assert "alcohol" not in found["sleep-and-insomnia"].words


def test_a_tobacco_article_is_about_addictions_not_trauma():
    found = evidence.topics(
        title="Quitting Smoking for Good",
        summary="Nicotine addiction is strong.",
        body="Tobacco contains nicotine. Cravings pass. Many smokers quit after a slip.",
    )

    assert set(found) == {"addictions"}


def test_suggestions_are_the_strongest_topics_of_an_untagged_text():
    assert evidence.suggest_topics(
        title="Understanding Toddler Tantrums",
        body="Tantrums are normal. Parents can stay calm. Parenting programmes help.",
    ) == ["parenting-and-family"]
