import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_secret_key_fails_with_a_clear_message():
    result = run_python("import config.settings", DJANGO_DEBUG="False")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = run_python("import config.settings as s; print(s.DEBUG)", DJANGO_DEBUG="True")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_debug_is_off_unless_asked_for():
    result = run_python("import config.settings as s; print(s.DEBUG)", DJANGO_SECRET_KEY="x" * 60)

    assert result.stdout.strip() == "False"


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "False",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnop",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_switches_the_database_engine():
    result = run_python(
        "import config.settings as s; print(s.DATABASES['default']['ENGINE'])",
        DJANGO_DEBUG="True",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/example",
    )

    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_redis_url_makes_redis_the_broker_and_the_cache():
    result = run_python(
        "import config.settings as s; "
        "print(s.CELERY_BROKER_URL); print(s.CACHES['default']['BACKEND'])",
        DJANGO_DEBUG="True",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/3",
        "django_redis.cache.RedisCache",
    ]
