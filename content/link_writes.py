"""Writing relevant-article links as a diff, so that unchanged links are never rewritten.

The wanted links of a batch of profiles go into a temporary table (COPY on PostgreSQL, one
executemany on SQLite), then two statements bring `content_articlelink` level with it: the
batch's links that are not wanted exactly as they are (article, score, topics and words) are
deleted, and the wanted links that are missing are inserted. A nightly run over lists that
are already current changes no row.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from content.models import ArticleLink

WANTED = "content_wanted_link"
LINKS = ArticleLink._meta.db_table
COLUMNS = "specialist_id, article_id, score, topics, words"
# (specialist_id, article_id, score, topics, words)
Row = tuple[int, int, float, Sequence[str], Sequence[str]]

# Table names and constants only; every value is a parameter.
_CREATE = f"CREATE TEMP TABLE IF NOT EXISTS {WANTED} AS SELECT {COLUMNS} FROM {LINKS} WHERE 1 = 0"  # noqa: S608
_EMPTY = f"DELETE FROM {WANTED}"  # noqa: S608
_COPY = f"COPY {WANTED} ({COLUMNS}) FROM STDIN"
_VALUES = f"INSERT INTO {WANTED} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
# Row values compared with NOT IN against a hashed subquery: a plan that stays linear
# whatever the statistics say about a table that has just been refilled.
_DELETE_UNWANTED = f"""\
DELETE FROM {LINKS} WHERE specialist_id IN ({{marks}})
AND ({COLUMNS}) NOT IN (SELECT {COLUMNS} FROM {WANTED})
"""  # noqa: S608
# A concurrent run may have written the same link since: the later values win.
_INSERT = f"""\
INSERT INTO {LINKS} ({COLUMNS}) SELECT {COLUMNS} FROM {WANTED}
WHERE {{missing}}
ON CONFLICT (specialist_id, article_id) DO UPDATE
SET score = excluded.score, topics = excluded.topics, words = excluded.words
"""  # noqa: S608
_MISSING = f"({COLUMNS}) NOT IN (SELECT {COLUMNS} FROM {LINKS} WHERE specialist_id IN ({{marks}}))"  # noqa: S608


def _fill(rows: Iterable[Row]) -> None:
    """The temporary table holds exactly these rows (it lives as long as the connection)."""
    with connection.cursor() as cursor:
        cursor.execute(_CREATE)
        cursor.execute(_EMPTY)
        if connection.vendor == "postgresql":
            with cursor.copy(_COPY) as copy:
                for sid, aid, score, topics, words in rows:
                    copy.write_row((sid, aid, score, json.dumps(topics), json.dumps(words)))
            cursor.execute(f"ANALYZE {WANTED}")
            return
        # Serialized as the model field does, so that equal lists compare equal as text.
        as_json = ArticleLink._meta.get_field("topics").get_db_prep_value
        cursor.executemany(
            _VALUES,
            [
                (
                    sid,
                    aid,
                    score,
                    as_json(list(topics), connection),
                    as_json(list(words), connection),
                )
                for sid, aid, score, topics, words in rows
            ],
        )


@transaction.atomic
def replace(*, specialist_ids: Sequence[int], rows: Iterable[Row]) -> None:
    """The links of these profiles become exactly `rows`; only what differs is written."""
    _fill(rows)
    marks = ", ".join(["%s"] * len(specialist_ids))
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_UNWANTED.format(marks=marks), list(specialist_ids))
        cursor.execute(_INSERT.format(missing=_MISSING.format(marks=marks)), list(specialist_ids))


@transaction.atomic
def add(rows: Iterable[Row]) -> None:
    """Add these links (a link already there for the same profile and article is replaced)."""
    _fill(rows)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT.format(missing="TRUE"))
