from django.template import engines

from config.warmup import warm_up


def test_the_warm_up_compiles_the_sites_templates_without_the_database() -> None:
    # Not marked for the database: pytest-django makes any connection attempt fail, and a
    # connection opened before gunicorn forks would be shared by its workers.
    loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]
    loader.reset()

    warm_up()

    assert {"base.html", "directory/profile.html", "bookings/pick_slot.html"} <= set(
        loader.get_template_cache
    )
