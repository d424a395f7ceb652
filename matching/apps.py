from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Finding the right person"

    def ready(self) -> None:
        # Here rather than at the top: these modules import models, which load after apps.
        from django.contrib.auth.signals import user_logged_in

        from directory import sections
        from matching import shortlist, trust

        user_logged_in.connect(shortlist.move_at_login, dispatch_uid="matching.move_shortlist")
        sections.register(trust.profile_section)
