"""Settings, all from the environment.

A bad value stops start-up with a message naming the variable, so a typo in a
deployment never silently falls back to a default. See README.md for the list.
"""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Fail closed: without DJANGO_DEBUG on, the service refuses to start unless
# DJANGO_SECRET_KEY holds a real key. Only a local run (DJANGO_DEBUG=true, as
# `make run` sets) falls back to a development key; the tests set their own key
# (tests/settings.py).
SECRET_KEY_MIN_LENGTH = 50
_DEVELOPMENT_KEY = "django-insecure-local-development-key-not-for-production-use"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is not set: set it to {SECRET_KEY_MIN_LENGTH} or more random "
            "characters (only a local run with DJANGO_DEBUG=true may go without)")
    SECRET_KEY = _DEVELOPMENT_KEY
if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters long, "
        f"not {len(SECRET_KEY)}")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # issue 22: Redoc and Swagger UI, served locally
    "authorizations",
    "authorizations.api",  # after rest_framework_api_key: its admin replaces that one's
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "authorizations.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Issue 20: pages in the viewer's time zone (the reviewer's, the HTC's).
    "authorizations.core.zones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Issue 22: every error under /fhir/ is an OperationOutcome.
    "authorizations.fhir.outcome.OperationOutcomeMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hemgenix_site.urls"
WSGI_APPLICATION = "hemgenix_site.wsgi.application"

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
                "authorizations.core.context_processors.idle_logoff",
                "authorizations.core.context_processors.clocks",
            ],
        },
    },
]

# Database: SQLite file by default (embedded), PostgreSQL in production.
_default_db = f"sqlite:///{BASE_DIR / 'data' / 'hemgenix.sqlite3'}"
_db_url, _db_var = os.environ.get("DATABASE_URL", _default_db), "DATABASE_URL"
# Least privilege (docs/deploy.md): the application connects as a role that may
# only read and write rows (DATABASE_URL); `manage.py migrate` alone connects as
# the tables' owner, MIGRATE_DATABASE_URL, when that is set.
MIGRATING = len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" \
    and sys.argv[1] == "migrate"
if MIGRATING and os.environ.get("MIGRATE_DATABASE_URL"):
    _db_url, _db_var = os.environ["MIGRATE_DATABASE_URL"], "MIGRATE_DATABASE_URL"
# Persistent connections: a new PostgreSQL connection costs more than a wizard step.
CONN_MAX_AGE = env_int("DJANGO_CONN_MAX_AGE", 60)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _db_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_MAX_AGE > 0
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"{_db_var} is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for the write lock instead of failing under concurrent prescribers.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+IP out after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # its log lines would name the username tried

# Idle logoff: a server-side session that expires 15 minutes after the last
# request (it is saved, and so extended, on every request). Drafts live in the
# database, so logging in again resumes them.
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", 15 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "authorizations.requests.views.csrf_failure"

# HTTPS deployments set DJANGO_HTTPS=true: secure cookies, HSTS, redirect.
HTTPS = env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Lock out by the client's address, not the proxy's: otherwise anyone who
    # knows a username could lock its owner out for everyone.
    AXES_CLIENT_IP_CALLABLE = "authorizations.core.middleware.client_ip_behind_proxy"
# How many proxies append to X-Forwarded-For in front of the app (nginx alone: 1),
# and the addresses the app server accepts the header from (the proxy's; a unix
# socket always counts). See docs/deploy.md and middleware.client_ip_behind_proxy.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1, minimum=1)
TRUSTED_PROXIES = frozenset(env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: every script is a file under static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# The pages' date formats, in one module (authorizations/core/formats.py explains).
FORMAT_MODULE_PATH = ["hemgenix_site.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and local runs serve files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("DJANGO_MANIFEST_STATIC", True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The wizard keeps its data in the request's draft (authorizations/wizard/storage.py).
# A local demo: `seed_demo` creates accounts with a shared password only when
# this is set (make run sets it for that one command).
DEMO = env_bool("DJANGO_DEMO", False)

# Uploads (authorizations/documents.py): a file over 2 MB streams to a temporary
# file, not memory; a document's own 20 MB limit is checked by its upload handler
# before the file is read whole. Form fields alone (files not counted) stay small.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# The API for EHRs (authorizations/api): a token per HTC, nothing else
# authenticates there; throttle counters in the database, shared by every
# app server (the migration creates the table).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api_throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                     "LOCATION": "api_throttle_cache"},
    # Counters every instance must share (password reset limits): the same
    # database table, its own key prefix. Never locmem: two instances would
    # each count half.
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
               "LOCATION": "api_throttle_cache", "KEY_PREFIX": "shared"},
}
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "120/min").strip()
if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE must look like 120/min, not "
                               f"{API_THROTTLE_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["authorizations.api.auth.HTCAPIKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["authorizations.api.auth.APIKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": API_THROTTLE_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hemgenix prior authorization API",
    "DESCRIPTION": "Status and FHIR data of an HTC's requests, and drafts from DTR "
                   "QuestionnaireResponses. Authenticate with `Authorization: Api-Key <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Issue 22: Redoc and Swagger UI from the project's own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["authorizations.api.schema.fhir_operation_paths"],
}

# Logs carry request paths, numbers and status codes, never answers: patient
# data is protected health information.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be a logging level, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG it quotes template context, form values included.
        "django.template": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        # They check uploaded documents, and may quote their bytes.
        "PIL": {"level": "WARNING"},
        "pypdf": {"level": "CRITICAL"},
    },
}

# Payer identity printed on letters; a deployment sets its own.
PAYER_NAME = os.environ.get("PAYER_NAME", "UnitedHealthcare")
PAYER_UM_DEPARTMENT = os.environ.get(
    "PAYER_UM_DEPARTMENT", "Prior Authorization, Medical Benefit Drugs"
)
# Without configured numbers the letters point to the member's ID card, which
# always carries them, rather than print a made-up number.
PAYER_PHONE = os.environ.get("PAYER_PHONE", "")
PAYER_FAX = os.environ.get("PAYER_FAX", "")
PAYER_ADDRESS = os.environ.get("PAYER_ADDRESS", "")
# What a denial letter needs beyond the payer's identity (29 CFR 2560.503-1(g)).
# Each is the deployment's own; left empty, letters say how to get it (the number
# on the member's ID card) rather than print something made up.
# The appeals unit, when it is not the address and fax above.
PAYER_APPEALS_ADDRESS = os.environ.get("PAYER_APPEALS_ADDRESS", "")
PAYER_APPEALS_FAX = os.environ.get("PAYER_APPEALS_FAX", "")
# The plan provision a denial relies on besides the medical policy, in the plan
# document's words (its medical-necessity or unproven-services exclusion).
PAYER_PLAN_PROVISION = os.environ.get("PAYER_PLAN_PROVISION", "")
# How to ask for an external review (who receives it, where).
PAYER_EXTERNAL_REVIEW = os.environ.get("PAYER_EXTERNAL_REVIEW", "")
# The state's consumer-assistance program, where the deployment has one.
PAYER_CONSUMER_ASSISTANCE = os.environ.get("PAYER_CONSUMER_ASSISTANCE", "")
# Peer-to-peer discussions: the number falls back to PAYER_PHONE.
PAYER_PEER_TO_PEER_PHONE = os.environ.get("PAYER_PEER_TO_PEER_PHONE", "")
PAYER_PEER_TO_PEER_HOURS = os.environ.get("PAYER_PEER_TO_PEER_HOURS", "")

# Email notices (authorizations/notices.py): the console under a local run.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")
# The address links in notices start with.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000")
# The reviewers' queue owner: told of responses and new appeals (no address:
# nobody is told).
REVIEW_QUEUE_EMAIL = os.environ.get("DJANGO_REVIEW_QUEUE_EMAIL", "")

# Issue 20, outcomes: a factor IX activity result taken this many days or
# fewer after a dose of factor IX product reads the product, not the gene
# therapy's own expression: the outcomes page leaves it out and names the window.
OUTCOMES_EXOGENOUS_FIX_DAYS = env_int("OUTCOMES_EXOGENOUS_FIX_DAYS", 14)
