from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from bookings.sections import free_consultation
        from directory import sections

        sections.register(free_consultation)
