from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Reach and insights"

    def ready(self) -> None:
        # Here rather than at the top: these modules import models, which load after apps.
        from directory import reach
        from insights import counting

        reach.register(counting.count_search)
