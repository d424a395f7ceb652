from django.db.models import Case, F, Q, Sum, When
from django.http import HttpRequest

from messaging.models import Thread


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread count for the nav: one aggregate query, and only for people logged in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    total = Thread.objects.filter(Q(client=user) | Q(specialist__owner=user)).aggregate(
        unread=Sum(Case(When(client=user, then=F("client_unread")), default=F("specialist_unread")))
    )["unread"]
    return {"inbox_unread": total or 0}
