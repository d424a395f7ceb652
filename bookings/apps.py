from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        # Here rather than at the top: these modules import models, which load after apps.
        from bookings.next_free import refresh_next_free_slot
        from bookings.sections import free_consultation
        from directory import moderation, sections

        sections.register(free_consultation)
        moderation.on_publish(refresh_next_free_slot)
