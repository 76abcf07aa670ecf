"""Élan settings: one module, every value from an ELAN_* environment variable.

See `.env.example` for the list. Without any variable set, Élan runs in debug
mode on SQLite with e-mails printed on the console and tasks run in process.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from elan.env import env_bool, env_int, env_list, env_str, parse_database_url, parse_email_url
from elan.storage import media_storages, public_origin

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("ELAN_DEBUG", True)

SECRET_KEY = env_str("ELAN_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ELAN_SECRET_KEY est obligatoire quand ELAN_DEBUG=0 "
            "(générez-en une : python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "elan-dev-only-insecure-key-do-not-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ELAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ELAN_CSRF_TRUSTED_ORIGINS", [])
# ELAN_SITE_URL, the public address (https://elan.example.org), required in
# production. Pages build their links from it, or while it is not set from the
# host they are served on (elan/links.py). E-mails have no request to take a
# host from: they use SITE_URL, in development the address `make run` serves on.
PUBLIC_URL = env_str("ELAN_SITE_URL", "").rstrip("/")
if not PUBLIC_URL and not DEBUG:
    raise ImproperlyConfigured(
        "ELAN_SITE_URL est obligatoire quand ELAN_DEBUG=0 : c'est l'adresse publique "
        "des liens envoyés par e-mail (par exemple https://elan.example.org)."
    )
if PUBLIC_URL and not PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"ELAN_SITE_URL doit commencer par https:// ou http:// (reçu : {PUBLIC_URL!r})."
    )
SITE_URL = PUBLIC_URL or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django_htmx",
    "ninja",
    "accounts",
    "territories",
    "challenges",
    "measures",
    "questionnaires",
    "events",
    "pledges",
    "network",
    "commons",
    "reports",
    "api",
]

MIDDLEWARE = [
    # First: it turns a database error anywhere below into the French 503.
    "elan.middleware.DatabaseUnavailableMiddleware",
    # A NUL character is a 400 before anything looks it up in the database.
    "elan.middleware.RejectNullCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "elan.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "elan.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "elan.middleware.BadInputStatusMiddleware",
]

ROOT_URLCONF = "elan.urls"
WSGI_APPLICATION = "elan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Last: overrides the CSRF token while a page is cached.
                "elan.pagecache.csrf_placeholder",
            ],
        },
    },
]

# No parallel query for the web's short queries on PostgreSQL: under concurrent
# requests a query spread over three processes costs three times the CPU for a
# shorter wait (measured: the dashboard's households query, 47 ms on three
# processes, 24 ms on one). ELAN_DB_PARALLEL_QUERY=1 keeps the server's own
# setting; an `options` in the database URL wins.
_parallel_query = env_bool("ELAN_DB_PARALLEL_QUERY", False)
DATABASES = {
    "default": parse_database_url(
        env_str("ELAN_DATABASE_URL", "sqlite:///var/db.sqlite3"),
        base_dir=BASE_DIR,
        parallel_query=_parallel_query,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while a background job writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A database that does not answer fails the request within seconds (the
    # French 503 of elan.middleware) instead of holding a worker; connections
    # are kept CONN_MAX_AGE and checked before reuse (CONN_HEALTH_CHECKS), so
    # service resumes by itself once the database is back.
    _db_options: dict[str, Any] = DATABASES["default"]["OPTIONS"]  # type: ignore[assignment]
    _db_options.setdefault("connect_timeout", 5)
# A read replica for anonymous GET/HEAD requests (elan/db_router.py); without
# it no router and no middleware run at all.
_replica_url = env_str("ELAN_REPLICA_DATABASE_URL")
if _replica_url:
    DATABASES["replica"] = parse_database_url(
        _replica_url, base_dir=BASE_DIR, parallel_query=_parallel_query
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["elan.db_router.ReplicaRouter"]
    # Appended, hence after AuthenticationMiddleware: it needs request.user.
    MIDDLEWARE.append("elan.db_router.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
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
LOGIN_REDIRECT_URL = "accounts:dashboard"

# django-allauth: e-mail is the login, verified before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Élan] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Leaflet comes from its XStatic package (PyPI), served as static/leaflet/.
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("ELAN_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploads: private (served by permission-checked views) and public (logos)
# apart, on the disk or on object storage when ELAN_S3_BUCKET is set
# (elan/storage.py, docs/deploy.md).
STORAGES = {
    **media_storages(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
ELAN_PUBLIC_MEDIA_ORIGIN = public_origin(os.environ)
# Serve straight from the apps' static folders too, so that a fresh checkout
# works without collectstatic, in debug or not.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail
DEFAULT_FROM_EMAIL = env_str("ELAN_DEFAULT_FROM_EMAIL", "Élan <ne-pas-repondre@elan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = parse_email_url(env_str("ELAN_EMAIL_URL", "console://"), base_dir=BASE_DIR)
globals().update(_email)

# The outbox (accounts/mail.py, docs/email.md): retries of a failed send
# (60 s, 120 s, 240 s… by default), the throttle of bulk streams (reminders,
# campaigns, newsletters; Celery rate limit per worker: "100/s", "3000/m", empty
# for none) and the Celery queues of transactional and bulk mail (empty: the
# default queue).
ELAN_EMAIL_MAX_RETRIES = env_int("ELAN_EMAIL_MAX_RETRIES", 5, minimum=0)
ELAN_EMAIL_RETRY_BACKOFF = env_int("ELAN_EMAIL_RETRY_BACKOFF", 60, minimum=1)
ELAN_EMAIL_BULK_RATE_LIMIT = env_str("ELAN_EMAIL_BULK_RATE_LIMIT", "200/s").strip()
if ELAN_EMAIL_BULK_RATE_LIMIT and not re.fullmatch(
    r"\d+(\.\d+)?/[smh]", ELAN_EMAIL_BULK_RATE_LIMIT
):
    raise ImproperlyConfigured(
        "ELAN_EMAIL_BULK_RATE_LIMIT doit être de la forme 100/s, 3000/m ou 50000/h "
        f"(reçu : {ELAN_EMAIL_BULK_RATE_LIMIT!r})."
    )
ELAN_EMAIL_QUEUE = env_str("ELAN_EMAIL_QUEUE")
ELAN_EMAIL_BULK_QUEUE = env_str("ELAN_EMAIL_BULK_QUEUE")

# Cache: Redis when configured (shared by every node), memory otherwise. A
# Redis that does not answer degrades to no cache (elan/cache.py) within a
# quarter of a second instead of failing or stalling the page.
_cache_url = env_str("ELAN_CACHE_URL")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {
            "BACKEND": "elan.cache.DegradingRedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions stay in the database (Django's default, said here on purpose): a
# Redis outage must not log everyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Background tasks: Celery with a broker when one is set, in process otherwise.
CELERY_BROKER_URL = env_str("ELAN_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs for `celery -A elan beat`; each also has a management command.
CELERY_BEAT_SCHEDULE = {
    "send-queued-emails": {"task": "accounts.tasks.send_queued_emails", "schedule": 60.0},
    "apply-retention": {
        "task": "accounts.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    "purge-access-log": {
        "task": "accounts.tasks.purge_access_log",
        "schedule": crontab(hour=3, minute=30),
    },
    # The periodic jobs that are also management commands (for cron):
    "send-data-reminders": {  # manage.py send_reminders
        "task": "measures.tasks.send_due_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "send-event-reminders": {  # manage.py send_event_reminders
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(minute=0),
    },
    "network-overdue-digest": {  # manage.py network_overdue_digest
        "task": "network.tasks.send_overdue_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    "close-expired-campaigns": {  # manage.py close_expired_campaigns
        "task": "pledges.tasks.close_expired_campaigns",
        "schedule": crontab(hour=0, minute=15),
    },
    # Running challenges' results move to a new day at midnight: computed before anyone looks.
    "precompute-running-results": {
        "task": "measures.tasks.precompute_running_results",
        "schedule": crontab(hour=0, minute=5),
    },
}
# Results computed by a task after each write (debounced), never by a page view
# once a first snapshot exists; on by default when a broker runs the tasks.
ELAN_RESULTS_PRECOMPUTE = env_bool("ELAN_RESULTS_PRECOMPUTE", bool(CELERY_BROKER_URL))
ELAN_RESULTS_DEBOUNCE_SECONDS = env_int("ELAN_RESULTS_DEBOUNCE_SECONDS", 5, minimum=0)
# Anonymous public pages kept in the cache, invalidated on write and never
# older than this (elan/pagecache.py); 0 turns the page cache off.
ELAN_PAGE_CACHE_SECONDS = env_int("ELAN_PAGE_CACHE_SECONDS", 30, minimum=0)

# Maps (Leaflet is served from the django-leaflet package, never a CDN);
# OpenStreetMap tiles by default.
ELAN_TILE_URL = env_str("ELAN_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")

# django-ninja: a bare @paginate gets the API's paginator, which checks its bounds.
NINJA_PAGINATION_CLASS = "api.pagination.Pages"

# Security. Defaults follow DEBUG: production gets the strict ones, and each
# can be relaxed explicitly (e.g. `make run` with ELAN_DEBUG=0 on plain http).
SECURE_SSL_REDIRECT = env_bool("ELAN_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("ELAN_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("ELAN_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("ELAN_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (elan.middleware): no inline script anywhere.
ELAN_CSP = env_bool("ELAN_CSP", True)
# How long the log of organisers' access to personal data keeps its entries.
ELAN_ACCESS_LOG_DAYS = env_int("ELAN_ACCESS_LOG_DAYS", 365, minimum=30)
# Days after a campaign's close, an event or a request's decision before the
# personal data collected for it is anonymised (accounts.rgpd.run_retention).
ELAN_RETENTION_DAYS = env_int("ELAN_RETENTION_DAYS", 730, minimum=30)
if env_bool("ELAN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ELAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMINS = [("Admin", a) for a in env_list("ELAN_ADMINS", [])]
