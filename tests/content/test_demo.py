import io

import pytest
from django.core.management import call_command

from content.models import Answer, Article, ArticleLink, Question
from directory.models import Specialist

pytestmark = pytest.mark.django_db


def test_the_demo_imports_the_seeds_adds_answered_questions_and_links_them_twice_safely():
    call_command("seed_demo", specialists=12, stdout=io.StringIO())
    counts = (Article.objects.count(), Question.objects.count(), Answer.objects.count())
    call_command("seed_demo", specialists=12, stdout=io.StringIO())

    leanne = Specialist.objects.get(slug="leanne-sawchuk")
    assert counts == (4, 3, 3)
    assert (Article.objects.count(), Question.objects.count(), Answer.objects.count()) == counts
    assert Article.objects.get(title__startswith="How to Repair").author == leanne
    assert ArticleLink.objects.exists()
