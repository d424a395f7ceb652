import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from directory.models import Specialist, User

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
