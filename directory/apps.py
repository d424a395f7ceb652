from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        # Here rather than at the top: this module imports models, which load after apps.
        from directory.search import query

        query.connect_term_signals()
