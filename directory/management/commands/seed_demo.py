from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import module_has_submodule

from directory.demo import demo_logins


class Command(BaseCommand):
    help = (
        "Create believable demo data (idempotent). Each app's `demo.seed()` runs in "
        "INSTALLED_APPS order, so bookings and content build on the directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--specialists", type=int, default=48, help="published specialists to have in all"
        )

    def handle(self, *args: object, specialists: int, **options: object) -> None:
        if specialists < 1:
            self.stderr.write("--specialists must be at least 1.")
            raise SystemExit(2)
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "demo"):
                import_module(f"{config.name}.demo").seed(
                    specialists=specialists, stdout=self.stdout
                )
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<11} {email:<24} {password}")
