"""Finding specialists: the query string parsed into a typed search (`params`), the profiles
that match it in order (`query`), and one page of them (`pages`)."""

from directory.search.pages import MAX_PAGES, PAGE_SIZE, Results, find
from directory.search.params import (
    MAX_QUERY_LENGTH,
    SORT_DISTANCE,
    SORT_RELEVANCE,
    SORT_SOONEST,
    SORTS,
    Search,
    parse,
)
from directory.search.query import (
    LISTS,
    SQLITE_FTS,
    VECTOR_SQL,
    Option,
    Options,
    load_options,
    matching,
    ordered,
    reindex,
    tsquery_for,
    uses_full_text,
)

__all__ = [
    "LISTS",
    "MAX_PAGES",
    "MAX_QUERY_LENGTH",
    "PAGE_SIZE",
    "SORTS",
    "SORT_DISTANCE",
    "SORT_RELEVANCE",
    "SORT_SOONEST",
    "SQLITE_FTS",
    "VECTOR_SQL",
    "Option",
    "Options",
    "Results",
    "Search",
    "find",
    "load_options",
    "matching",
    "ordered",
    "parse",
    "reindex",
    "tsquery_for",
    "uses_full_text",
]
