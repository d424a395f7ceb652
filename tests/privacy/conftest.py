"""A client and a specialist who have used everything, every text marked with a tag.

The tag makes "none of another person's data" checkable: build two worlds with different
tags and search one person's export, or the whole database, for the other tag.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from bookings import booking
from bookings.models import Consultation
from content.articles import ArticleText, create_article
from content.models import Answer, Article, Question
from content.questions import answer_question, ask_question
from directory.models import Specialist, User
from messaging import contact, conversations
from messaging.models import Message, Thread
from tests.bookings.conftest import free_slot, open_hours
from tests.factories import ConsultationFactory, SpecialistFactory, UserFactory


@dataclass
class World:
    client: User
    specialist: Specialist
    consultation: Consultation
    thread: Thread
    question: Question
    answer: Answer
    draft: Article
    published: Article


def article(title: str) -> ArticleText:
    return ArticleText(title=title, summary="", body=f"{title} body", references=[], topics=[])


def build_world(tag: str) -> World:
    client = UserFactory(email=f"client-{tag}@example.com", first_name=f"Robin{tag}")
    specialist = SpecialistFactory(
        name=f"Dr Ada {tag}",
        owner__email=f"specialist-{tag}@example.com",
        owner__first_name=f"Ada{tag}",
        bio=f"Bio of {tag}",
        city=f"Town{tag}",
    )
    open_hours(specialist)
    consultation = booking.book(
        client=client,
        specialist=specialist,
        starts_at=free_slot(specialist).starts_at,
        mode=Consultation.Mode.PHONE,
        phone=f"+1 555 {tag}",
        note=f"note-{tag}",
        now=timezone.now(),
    )
    sent = conversations.message_specialist(
        client=client, specialist=specialist, body=f"from-client-{tag}"
    )
    conversations.reply(thread=sent.thread, sender=specialist.owner, body=f"from-specialist-{tag}")
    question = ask_question(
        asker=client, title=f"question-{tag}?", details=f"details-{tag}", topic=None
    )
    answer = answer_question(specialist=specialist, question=question, body=f"answer-{tag}")
    contact.contact_staff(sender=client, subject="general", body=f"contact-{tag}")
    return World(
        client=client,
        specialist=specialist,
        consultation=consultation,
        thread=sent.thread,
        question=question,
        answer=answer,
        draft=create_article(author=specialist, text=article(f"draft-{tag}")),
        published=create_article(author=specialist, text=article(f"article-{tag}"), publish=True),
    )


def add_photo(specialist: Specialist) -> list[str]:
    specialist.photo.save("photo.jpg", ContentFile(b"jpeg"), save=False)
    specialist.photo_thumbnail.save("photo-card.jpg", ContentFile(b"jpeg"), save=False)
    specialist.save()
    return [specialist.photo.path, specialist.photo_thumbnail.path]


def add_past_consultation(
    *, client: User, specialist: Specialist, note: str, days_ago: int = 7
) -> Consultation:
    """A completed consultation in the past (written straight to the database: booking
    refuses the past)."""
    return ConsultationFactory(
        client=client,
        specialist=specialist,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status=Consultation.Status.COMPLETED,
        note=note,
        fit=Consultation.Fit.GOOD,
    )


def rows_containing(text: str) -> list[str]:
    """Every stored value, in every table, that contains `text` (model.field: count)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                count = model._default_manager.filter(**{f"{field.name}__icontains": text}).count()
                if count:
                    found.append(f"{model._meta.label}.{field.name}: {count}")
    return found


def message_texts(thread: Thread) -> list[str]:
    return list(Message.objects.filter(thread=thread).values_list("body", flat=True))
