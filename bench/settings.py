"""Benchmark settings: production-like (DEBUG off) on DATABASE_URL or var/bench.sqlite3."""

import os

os.environ.setdefault("CALENDARS_SECRET_KEY", "YmVuY2gtb25seS1jYWxlbmRhci1zZWFsaW5nLWtleS0=")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-secret-key-not-for-production")
os.environ["DJANGO_DEBUG"] = "False"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DJANGO_CACHE_PREFIX", "firststep-bench")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, VAR_DIR

if "DATABASE_URL" not in os.environ:
    DATABASES["default"]["NAME"] = VAR_DIR / "bench.sqlite3"
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
