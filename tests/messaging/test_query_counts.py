import pytest

from messaging import conversations
from tests.content.test_query_counts import queries_for
from tests.factories import SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_costs_the_same_for_one_or_many_threads(client):
    user = UserFactory()
    client.force_login(user)

    def write(n: int) -> None:
        for _ in range(n):
            conversations.message_specialist(client=user, specialist=SpecialistFactory(), body="Hi")

    write(1)
    queries_for(client, "/inbox/")  # the first page after log-in also records the session
    few = queries_for(client, "/inbox/")
    write(6)

    assert queries_for(client, "/inbox/") == few
