"""`make bench`: run every benchmark module, print a table, write var/bench/latest.json.

    python -m bench                 # everything
    python -m bench directory       # only modules whose name contains "directory"

Each module in this package with a `run(ctx)` function is a benchmark.
"""

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.harness import Context, Figure  # noqa: E402

SKIP = {"harness", "settings", "urls"}


def main(selected: list[str]) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    ctx = Context()
    ctx.add(
        Figure(
            name="trivial Django view (median)",
            value=round(ctx.trivial.median_ms, 3),
            unit="ms",
            queries=ctx.trivial.queries,
            ratio_to_trivial_view=1.0,
        )
    )
    package = Path(__file__).parent
    for module_info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        name = module_info.name
        if name in SKIP or name.startswith("_"):
            continue
        if selected and not any(choice in name for choice in selected):
            continue
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "run"):
            print(f"-- {name}", flush=True)
            module.run(ctx)

    width = max(len(f.name) for f in ctx.figures) + 2
    print(f"\n{'benchmark':<{width}} {'value':>12} {'unit':<8} {'queries':>7} {'x trivial':>10}")
    for figure in ctx.figures:
        queries = "" if figure.queries is None else str(figure.queries)
        ratio = "" if figure.ratio_to_trivial_view is None else f"{figure.ratio_to_trivial_view:g}"
        print(
            f"{figure.name:<{width}} {figure.value:>12g} {figure.unit:<8} {queries:>7} {ratio:>10}"
        )
        for key, value in figure.extra.items():
            print(f"{'':<{width}}   {key}: {value}")
    out = Path(settings.VAR_DIR) / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([f.as_json() for f in ctx.figures], indent=2))
    print(f"\nDatabase: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
