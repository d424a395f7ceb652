"""What a web worker would otherwise do on its first request, done once in gunicorn's master
before it forks (gunicorn.conf.py's `when_ready`): every worker, and each one started again
after its --max-requests, then serves its first request as fast as the next ones.
Nothing here opens a connection, which the forked workers would share."""

from pathlib import Path

from django.template import engines
from django.urls import get_resolver


def warm_up() -> None:
    """Import every view and compile the site's own templates (about half a second)."""
    get_resolver().url_patterns  # noqa: B018 - reading it imports the URL modules and views
    engine = engines["django"]
    for folder in map(Path, engine.dirs):  # the site's own folder: the apps' are theirs
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
