"""The Celery set-up that `make run` uses really delivers tasks to a worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def test_a_real_worker_receives_and_runs_a_task(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "True",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                f"from config.celery import ping; ping.apply_async(queue={queue!r})",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 60
        while "succeeded" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    output = log.read_text()
    assert "Task config.ping" in output
    assert "succeeded" in output
    assert "'pong'" in output
