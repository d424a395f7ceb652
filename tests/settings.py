"""Settings for the test suite: the real settings, with a test secret and quick hashing."""

import os

os.environ.setdefault("CALENDARS_SECRET_KEY", "dGVzdC1vbmx5LWNhbGVuZGFyLXNlYWxpbmcta2V5LTA=")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DJANGO_CACHE_PREFIX", "firststep-tests")

from config.settings import *  # noqa: F403
from config.settings import CACHES, REDIS_URL, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MAILBOX_DIR = VAR_DIR / "test-mail"
MEDIA_ROOT = VAR_DIR / "test-media"
CELERY_BROKER_URL = REDIS_URL or "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": CACHES["fragments"],
    }
# Serve static files straight from the source folders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
