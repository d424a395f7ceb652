from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from bookings.next_free import refresh_next_free_slot
        from bookings.sections import free_consultation
        from directory import moderation, sections

        sections.register(free_consultation)
        moderation.on_publish(refresh_next_free_slot)
