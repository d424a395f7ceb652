"""Settings, read from the environment. See `.env.example` for every variable.

Nothing set means development: SQLite, a file-system Celery broker, e-mails written
to `var/mail/`. Setting DATABASE_URL / REDIS_URL switches to PostgreSQL / Redis.
"""

import base64
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is not True "
            "(for development, set DJANGO_DEBUG=True or use `make run`)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-true"  # noqa: S105

# Seals calendar addresses and CalDAV passwords at rest: 32 random bytes, URL-safe base64.
CALENDARS_SECRET_KEY = os.environ.get("CALENDARS_SECRET_KEY", "")
if not CALENDARS_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CALENDARS_SECRET_KEY must be set when DJANGO_DEBUG is not True "
            "(32 random bytes in URL-safe base64; see .env.example)."
        )
    CALENDARS_SECRET_KEY = "ZGV2ZWxvcG1lbnQtb25seS1jYWxlbmRhci1rZXktMzI="  # noqa: S105
if len(base64.urlsafe_b64decode(CALENDARS_SECRET_KEY)) != 32:
    raise ImproperlyConfigured("CALENDARS_SECRET_KEY must be 32 bytes in URL-safe base64.")
# Calendar hosts that may resolve to private addresses (development and tests only).
CALENDARS_ALLOWED_HOSTS = env_list("CALENDARS_ALLOWED_HOSTS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "First Step"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "directory",
    "bookings",
    "content",
    "messaging",
    "calendars",
    "matching",
    "insights",
    "privacy",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.ReaderZoneMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "config.middleware.InvalidFormStatusMiddleware",
    "config.middleware.PrivatePagesNoStoreMiddleware",
    "insights.middleware.CountingMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "messaging.context_processors.inbox",
                "matching.context_processors.shortlisted",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the Celery worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The listing indexes' covering columns are for PostgreSQL; SQLite keeps the keys only.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server is an error within seconds (a 503 page), not a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3")
    )
    # Parameters travel apart from the SQL, and a statement a connection has run a few times
    # is kept prepared: a page's same few queries are parsed once per connection instead of
    # on every request. Each is still planned for its own values: one plan for every value
    # of a search's place or a match's filters took twice as long.
    DATABASES["default"]["OPTIONS"] |= {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c plan_cache_mode=force_custom_plan",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when set, is the Celery broker and the cache (rate limits need a shared cache).
REDIS_URL = os.environ.get("REDIS_URL", "")
# While Redis is down the site works from the database: a cache read misses, a write is
# dropped (and logged), and nobody waits more than a second.
REDIS_CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "firststep"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Page fragments drawn from what they show (their key says everything they depend on): kept
# in each process, where reading one costs no round trip.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if not REDIS_URL:
    # Development only: a broker that needs no server, its folders under var/.
    for _folder in ("queue", "control"):
        (VAR_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
# With Redis down, publishing a task gives up within seconds (see config.celery).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 1}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
CELERY_BEAT_SCHEDULE["insights-flush-counts"] = {
    "task": "insights.flush_counts",
    "schedule": 300.0,  # profile views and search appearances, from Redis into daily rows
}
CELERY_BEAT_SCHEDULE["outbox-send-due"] = {
    "task": "outbox.send_due",
    "schedule": 5.0,  # e-mails written in the transaction of the change that causes them
}
CELERY_BEAT_SCHEDULE["bookings-send-notices"] = {
    "task": "bookings.send_notices",
    "schedule": 5.0,  # booked, cancelled and moved e-mails wait in the database (an outbox)
}
CELERY_BEAT_SCHEDULE["bookings-settle-waitlists"] = {
    "task": "bookings.settle_waitlists",
    "schedule": 10.0,  # holds that ran out, and slots freed for clients on a waitlist
}
CELERY_BEAT_SCHEDULE["bookings-sweep-due-reminders"] = {
    "task": "bookings.sweep_due_reminders",
    "schedule": 60.0,  # reminders are rows; the sweep hands what is due to workers
}
CELERY_BEAT_SCHEDULE["bookings-refresh-next-free-slots"] = {
    "task": "bookings.refresh_next_free_slots",
    "schedule": 900.0,  # the notice window moves with the clock
}
CELERY_BEAT_SCHEDULE["bookings-refresh-free-times"] = {
    "task": "bookings.refresh_free_times",
    "schedule": 900.0,  # the days and times of day search filters by; two weeks ahead
}
CELERY_BEAT_SCHEDULE["calendars-sync-due"] = {
    "task": "calendars.sync_due",
    "schedule": 15.0,  # each connection is due every 10 minutes at its own moment, or on "Sync now"
}
CELERY_BEAT_SCHEDULE["calendars-write-back"] = {
    "task": "calendars.write_back",
    "schedule": 30.0,  # consultations whose event in the specialist's calendar is not current
}
CELERY_BEAT_SCHEDULE["content-relink-changed-profiles"] = {
    "task": "content.recompute_changed_profiles",
    "schedule": 300.0,  # profile edits reach their relevant articles within five minutes
}
CELERY_BEAT_SCHEDULE["content-relink-all-nightly"] = {
    "task": "content.recompute_all_links",
    "schedule": crontab(hour=3, minute=15),
}
CELERY_BEAT_SCHEDULE["directory-remove-orphan-files"] = {
    "task": "directory.remove_orphan_files",
    "schedule": crontab(day_of_week="sunday", hour=4, minute=30),
}
CELERY_BEAT_SCHEDULE["messaging-purge-old-messages"] = {
    "task": "messaging.purge_old_messages",
    "schedule": crontab(hour=3, minute=45),
}
# Messages between clients and specialists are deleted this many days after they were sent.
MESSAGING_RETENTION_DAYS = int(os.environ.get("MESSAGING_RETENTION_DAYS", "365"))
if MESSAGING_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("MESSAGING_RETENTION_DAYS must be at least 1.")

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail log-in, mandatory verification, enumeration protection.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "directory.forms.SignupRoleForm"
ACCOUNT_FORMS = {"login": "directory.account_forms.LoginForm"}
ACCOUNT_USER_DISPLAY = "directory.accounts.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Failed log-ins: per IP and per (e-mail, IP) here, and a slower per-e-mail limit that
# leaves the owner a way in by a code sent to their e-mail (directory/accounts.py).
ACCOUNT_ADAPTER = "directory.accounts.AccountAdapter"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
# X-Forwarded-For is ignored unless this many proxies in front of the site are ours.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Sessions are recorded at log-in; tracking every request would add a write to each page.
USERSESSIONS_TRACK_ACTIVITY = False

# E-mail: SMTP when EMAIL_HOST is set, otherwise one readable .eml file per message.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "config.mailbox.MailboxBackend")
MAILBOX_DIR = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "First Step <hello@firststep.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_EMAIL = os.environ.get("STAFF_EMAIL", "team@firststep.example")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
# The text is marked for translation, but the site speaks English only: without the
# translation machinery each of a page's hundred strings costs nothing to look up.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploads go to local disk (served by config.views.media) unless a bucket is set: then to
# S3 or any S3-compatible object storage, with signed URLs from a private bucket. Keys come
# from the usual AWS_* variables or the machine's role.
MEDIA_BUCKET = os.environ.get("DJANGO_MEDIA_BUCKET", "")
MEDIA_IN_BUCKET = bool(MEDIA_BUCKET)
MEDIA_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Where photos load from, for the Content-Security-Policy's img-src.
MEDIA_ORIGINS: list[str] = []
if MEDIA_IN_BUCKET:
    _endpoint = os.environ.get("DJANGO_MEDIA_ENDPOINT_URL", "")
    _region = os.environ.get("DJANGO_MEDIA_REGION", "")
    if _endpoint:
        MEDIA_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(_endpoint))]
    else:
        MEDIA_ORIGINS = [f"https://{MEDIA_BUCKET}.s3.amazonaws.com"]
        if _region:
            MEDIA_ORIGINS.append(f"https://{MEDIA_BUCKET}.s3.{_region}.amazonaws.com")
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            "location": "media",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
# A strict Content-Security-Policy (django-csp): no inline scripts or styles, no framing, no
# plugins. Pages ship their scripts from /static/; JSON-LD is a data block, which CSP leaves
# alone. A view that needs more (a widget others may frame) says so with
# @csp_replace({"frame-ancestors": [...]}) from csp.decorators (and @xframe_options_exempt).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],  # photos: the site, or the bucket
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Sessions are read from the cache (Redis in production) and written through to the
# database, so a logged-in page view does not wait on a sessions query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    # Secret URL parts and control characters never reach a log line (config/logging.py).
    "filters": {"redact": {"()": "config.logging.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if DEBUG else "json",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # runserver's request lines, through the same filter.
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
