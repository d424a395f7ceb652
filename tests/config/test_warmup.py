from django.db import connections
from django.template import engines

from config.warmup import warm_up


def test_the_warm_up_compiles_the_sites_templates_and_opens_no_connection() -> None:
    connections.close_all()
    loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]
    loader.reset()

    warm_up()

    assert {"base.html", "directory/profile.html", "bookings/pick_slot.html"} <= set(
        loader.get_template_cache
    )
    assert all(connection.connection is None for connection in connections.all())
