from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A person's data across every app: the export and the erasure.

    It sits above directory, bookings, content and messaging (it imports them all and none
    imports it), so no app has to know about the others to take part.
    """

    name = "privacy"
    verbose_name = "Privacy"
