from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Articles and questions"

    def ready(self) -> None:
        # Here rather than at the top: these modules import models, which load after apps.
        from content import sections
        from directory import sections as directory_sections

        for provider in sections.PROVIDERS:
            directory_sections.register(provider)
