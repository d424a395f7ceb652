from datetime import time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from bookings.models import (
    AvailabilityException,
    BookingSettings,
    BusyTime,
    Consultation,
    Reminder,
    WeeklyHours,
)
from directory.models import Promotion, Specialist, User
from insights.models import WidgetSettings
from messaging.models import Block, Message, Thread

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    role = User.Role.CLIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary address, as after sign-up (verified=False skips it)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()


class SpecialistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialist
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory, role=User.Role.SPECIALIST)
    name = factory.Sequence(lambda n: f"Specialist Number{n}")
    slug = factory.Sequence(lambda n: f"specialist-{n}")
    titles = "Registered Psychotherapist"
    status = Specialist.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    time_zone = "America/Toronto"
    offers_free_consultation = True
    # A way to meet by video, so that video consultations can be booked (bookings.meeting).
    meeting_link = factory.Sequence(lambda n: f"https://meet.example.com/room-{n}")


class BookingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingSettings

    specialist = factory.SubFactory(SpecialistFactory)


class WeeklyHoursFactory(factory.django.DjangoModelFactory):
    """Monday, 09:00 to 17:00 in the specialist's zone."""

    class Meta:
        model = WeeklyHours

    specialist = factory.SubFactory(SpecialistFactory)
    weekday = 0
    starts = time(9)
    ends = time(17)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    """A day off a week from now."""

    class Meta:
        model = AvailabilityException

    specialist = factory.SubFactory(SpecialistFactory)
    date = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=7))
    kind = AvailabilityException.Kind.OFF


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A confirmed 30-minute consultation, a day from now unless `starts_at` says."""

    class Meta:
        model = Consultation

    specialist = factory.SubFactory(SpecialistFactory)
    client = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    consultation = factory.SubFactory(ConsultationFactory)
    kind = Reminder.Kind.DAY_BEFORE
    due_at = factory.LazyAttribute(lambda o: o.consultation.starts_at - timedelta(days=1))


class BusyTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusyTime

    specialist = factory.SubFactory(SpecialistFactory)
    source = "calendar"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    client = factory.SubFactory(UserFactory)
    specialist = factory.SubFactory(SpecialistFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message from the client of the thread unless `sender` says."""

    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.LazyAttribute(lambda o: o.thread.client)
    body = "Hello"


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    specialist = factory.SubFactory(SpecialistFactory)
    client = factory.SubFactory(UserFactory)


class PromotionFactory(factory.django.DjangoModelFactory):
    """Today only, created by a member of staff."""

    class Meta:
        model = Promotion

    specialist = factory.SubFactory(SpecialistFactory)
    starts_on = factory.LazyFunction(lambda: timezone.now().date())
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class WidgetSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WidgetSettings

    specialist = factory.SubFactory(SpecialistFactory)
