"""Raw SQL takes status values as parameters from the models' choices: a value typed into
the SQL by hand would silently stop matching when a choice is renamed."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "directory", "bookings", "calendars", "content", "messaging", "insights")
APPS += ("matching", "privacy", "bench")


def status_values() -> set[str]:
    return {
        str(value)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "choices", None) and field.name in {"status", "kind", "cancelled_by"}
        for value, _ in field.choices
    }


def test_no_sql_names_a_status_value_itself():
    values = status_values()
    alternatives = "|".join(map(re.escape, sorted(values)))
    # A choices column compared with a quoted value: `status = 'confirmed'`, `kind IN ('off'`.
    quoted = re.compile(
        rf"\b(?:status|kind|cancelled_by)\s*(?:=|<>|!=|IN\s*\()\s*'(?:{alternatives})'",
        re.IGNORECASE,
    )
    typed = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for match in quoted.finditer(path.read_text(encoding="utf-8"))
    ]

    assert {"confirmed", "cancelled", "published"} <= values
    assert typed == []
