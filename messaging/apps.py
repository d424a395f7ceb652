from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messages and contact"

    def ready(self) -> None:
        # Here rather than at the top: these modules import models, which load after apps.
        from directory import sections as directory_sections
        from messaging import sections

        for provider in sections.PROVIDERS:
            directory_sections.register(provider)
