"""Domain modules enqueue tasks by name, so that task modules can import them; a name that
no task carries would be published and never run."""

import re
from pathlib import Path

import pytest

from config.celery import app, enqueue_on_commit

ROOT = Path(__file__).resolve().parents[2]
ENQUEUED = re.compile(r'enqueue_on_commit\(\s*"([\w.]+)"')


def test_every_name_a_domain_module_enqueues_is_a_registered_task():
    app.autodiscover_tasks(force=True)
    names = {
        name
        for path in ROOT.glob("*/*.py")
        if path.parts[-2] not in {"tests", "bench", ".venv"}
        for name in ENQUEUED.findall(path.read_text())
    }

    assert len(names) >= 3
    assert names <= set(app.tasks)


@pytest.mark.django_db
def test_a_task_is_published_only_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    published = []
    monkeypatch.setattr(app, "send_task", lambda name, args: published.append((name, args)))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit("content.recompute_profiles", [7])
        assert published == []

    assert len(callbacks) == 1
    assert published == [("content.recompute_profiles", ([7],))]
