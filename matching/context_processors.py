from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from matching import shortlist


def shortlisted(request: HttpRequest) -> dict[str, object]:
    """The shortlisted ids for the hearts on cards and profiles, read only by a page that
    shows one (one query with an account, none without)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None:
        return {}
    account = user if user is not None and user.is_authenticated else None
    return {
        "shortlist_ids": SimpleLazyObject(
            lambda: frozenset(shortlist.ids_for(user=account, session=session))
        )
    }
