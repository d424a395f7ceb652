"""The one way a list is split into pages: a Django page and the links the one partial,
`components/_pagination.html`, shows under it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class PageLinks:
    """Page `number` of `total`; `previous` and `next` are query strings, "" where there is
    no such page."""

    number: int
    total: int
    previous: str = ""
    next: str = ""


def paginate(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int
) -> tuple[Page, PageLinks]:
    """The page `?page=` asks for (the last one when it asks for more, the first one when it
    is not a number), with links that keep the request's other parameters."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page, PageLinks(
        number=page.number,
        total=page.paginator.num_pages,
        previous=querystring(request, page=page.previous_page_number())
        if page.has_previous()
        else "",
        next=querystring(request, page=page.next_page_number()) if page.has_next() else "",
    )


def querystring(request: HttpRequest, *, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()
