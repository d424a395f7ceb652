import pytest

from directory import search
from directory.models import Approach, Specialty

pytestmark = pytest.mark.django_db


def test_the_lists_are_read_once_while_no_term_changes(django_assert_num_queries):
    first = search.load_options()

    with django_assert_num_queries(0):
        again = search.load_options()

    assert again == first


def test_a_new_renamed_or_deleted_term_is_offered_as_soon_as_it_is_committed(
    django_capture_on_commit_callbacks,
):
    search.load_options()

    with django_capture_on_commit_callbacks(execute=True):
        term = Specialty.objects.create(slug="sleep-trouble", name="Sleep trouble")
    assert search.load_options().find("specialties", "sleep-trouble") == search.Option(
        pk=term.pk, slug="sleep-trouble", name="Sleep trouble"
    )

    with django_capture_on_commit_callbacks(execute=True):
        term.name = "Sleep problems"
        term.save()
    assert search.load_options().find("specialties", "sleep-trouble").name == "Sleep problems"

    with django_capture_on_commit_callbacks(execute=True):
        Approach.objects.create(slug="art-therapy-2", name="Art therapy, in pairs")
        term.delete()
    options = search.load_options()
    assert options.find("specialties", "sleep-trouble") is None
    assert options.find("approaches", "art-therapy-2") is not None


def test_a_change_not_yet_committed_leaves_the_lists_as_they_were(
    django_capture_on_commit_callbacks,
):
    before = search.load_options()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Specialty.objects.create(slug="sleep-trouble", name="Sleep trouble")

    assert search.load_options() == before
    for callback in callbacks:
        callback()
    assert search.load_options().find("specialties", "sleep-trouble") is not None


def test_the_form_is_drawn_again_when_a_term_changes(client, django_capture_on_commit_callbacks):
    client.get("/specialists/")

    with django_capture_on_commit_callbacks(execute=True):
        Specialty.objects.create(slug="sleep-trouble", name="Sleep trouble")

    assert ">Sleep trouble</option>" in client.get("/specialists/").content.decode()
