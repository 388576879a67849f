"""Settings, all from the environment.

A bad value stops start-up with a message naming the variable, so a typo in a
deployment never silently falls back to a default. See README.md for the list.
"""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from hemgenix_site.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

# Fail closed: without DJANGO_DEBUG on, the service refuses to start unless
# it has a real key: DJANGO_SECRET_KEY, or else the file DJANGO_SECRET_KEY_FILE
# names (default var/secret-key, which `make run` makes once and
# docs/deploy.md keeps and backs up), so `manage.py createsuperuser` and
# `evaluate` work in a local checkout without exporting anything. Only a run
# with DJANGO_DEBUG=true and neither falls back to a development key; the
# tests set their own key (tests/settings.py).
SECRET_KEY_MIN_LENGTH = 50
_DEVELOPMENT_KEY = "django-insecure-local-development-key-not-for-production-use"
SECRET_KEY_FILE = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", BASE_DIR / "var" / "secret-key"))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
_key_var = "DJANGO_SECRET_KEY"
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    try:
        SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE {SECRET_KEY_FILE} cannot be read: "
                                   f"{exc.strerror}") from None
    _key_var = f"The key in DJANGO_SECRET_KEY_FILE ({SECRET_KEY_FILE})"
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is not set: set it to {SECRET_KEY_MIN_LENGTH} or more random "
            f"characters, or put them in {SECRET_KEY_FILE} (DJANGO_SECRET_KEY_FILE); only a "
            "local run with DJANGO_DEBUG=true may go without")
    SECRET_KEY = _DEVELOPMENT_KEY
if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"{_key_var} must be at least {SECRET_KEY_MIN_LENGTH} characters long, "
        f"not {len(SECRET_KEY)}")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin on the project's site (core/adminsite.py).
    "authorizations.core.adminsite.AdminConfig",
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
    "csp",  # django-csp: the Content-Security-Policy header, and its checks of the settings
    "django_q",  # django-q2: the task worker of letters and email notices (issue 21)
    "authorizations",
    "authorizations.api",  # after rest_framework_api_key: its admin replaces that one's
]

MIDDLEWARE = [
    # First: the request ID and one JSON log line per request, whatever answers.
    "authorizations.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "authorizations.core.middleware.PrivatePagesMiddleware",
    # Django's, but a 404 does not save an unchanged session (core/middleware.py).
    "authorizations.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the user read with the session in one query (core/sessions.py).
    "authorizations.core.sessions.AuthenticationMiddleware",
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
            # The pages' date-and-time filter, in every template (format_tags.py).
            "builtins": ["authorizations.templatetags.format_tags"],
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
    # The web server and the task worker write to one file. Wait for the write
    # lock instead of failing under concurrent prescribers (timeout); take it
    # when a transaction begins (IMMEDIATE): a transaction that read first and
    # then wrote could not wait for it (SQLite answers "database is locked" at once,
    # failing the worker's letters under a backlog). WAL: reads during writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # core/compiled.py's queries prepared at their first run (only theirs bind on
    # the server); a pooler must keep them (docs/deploy.md, Upgrading).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading the user's profile with the user (accounts/backends.py).
    "authorizations.accounts.backends.ModelBackend",
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
# request. The expiry is moved forward once a minute at most, not on every
# request (core/sessions.py): a session ends 14 to 15 minutes after the last
# request, never later. Drafts live in the database, so logging in again
# resumes them.
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", 15 * 60, minimum=60)
SESSION_RENEW_SECONDS = min(60, SESSION_IDLE_SECONDS // 15)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_ENGINE = "authorizations.core.sessions"
SESSION_SAVE_EVERY_REQUEST = False  # core/middleware.SessionMiddleware renews it
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
# django-csp 4's format. No inline script anywhere: every script is a file
# under static/. A view that sets its own header keeps it (a document's
# download: a sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF], "script-src": [SELF], "style-src": [SELF],
        "img-src": [SELF, "data:"], "font-src": [SELF], "object-src": [NONE],
        "base-uri": [SELF], "form-action": [SELF], "frame-ancestors": [NONE],
    },
}
# Load balancers probe /healthz over plain HTTP on the app server's address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
# The member letters' translations (authorizations/letters/language.py): a
# member whose roster language has a catalogue here gets the letter in it.
LOCALE_PATHS = [BASE_DIR / "authorizations" / "locale"]
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
# Files at the site's root, served by WhiteNoise before Django sees the request:
# /favicon.ico, which browsers ask for whatever a page links (a PDF, the API's
# JSON); it had reached Django, and each request saved the session.
WHITENOISE_ROOT = BASE_DIR / "root-files"

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
# A PDF with more pages is refused before its page tree is walked (issue 23).
DOCUMENT_MAX_PAGES = env_int("DOCUMENT_MAX_PAGES", 500, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# The API for EHRs (authorizations/api): a token per HTC, nothing else
# authenticates there. Rate limits (the API's throttle, password reset,
# uploads) are not in a cache: core/ratelimit.py counts them in a table every
# app server shares, atomically.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
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

# Logs (one JSON line per request and per audit event, never patient data):
# hemgenix_site/observability.py.
from hemgenix_site.observability import LOG_FORMAT, LOG_LEVEL, LOGGING  # noqa: E402,F401

# Health (/healthz, authorizations/core/health.py): whether a task worker is
# expected (then its heartbeat must be recent), and how its heartbeat is read.
TASK_WORKER_EXPECTED = env_bool("DJANGO_TASK_WORKER", False)
TASK_WORKER_HEARTBEAT = os.environ.get(
    "DJANGO_TASK_WORKER_HEARTBEAT", "authorizations.letters.delivery.worker_heartbeat")
TASK_WORKER_HEARTBEAT_SECONDS = env_int("DJANGO_TASK_WORKER_HEARTBEAT_SECONDS", 180, minimum=1)

# Delivery of letters and email notices (issue 21): django-q2 with its ORM
# broker, a table of this database. A task has `timeout` seconds; one whose
# worker died is taken again after `retry` seconds (longer than the timeout,
# as django-q2 requires). The outbox's own retries (letters/delivery_services.py)
# wait DELIVERY_RETRY_SECONDS, doubling, at most DELIVERY_RETRY_MAX_SECONDS; a
# worker's claim on a job lasts DELIVERY_CLAIM_SECONDS.
Q_CLUSTER = {
    "name": "hemgenix",
    "orm": "default",
    "workers": env_int("DJANGO_Q_WORKERS", 1, minimum=1),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 0,  # never given up: the outbox keeps every job until it is done
    "save_limit": 250,
    "catch_up": False,
    "sync": env_bool("DJANGO_Q_SYNC", False),
    "label": "Task queue",
}
DELIVERY_RETRY_SECONDS = env_int("DELIVERY_RETRY_SECONDS", 30, minimum=1)
DELIVERY_RETRY_MAX_SECONDS = env_int("DELIVERY_RETRY_MAX_SECONDS", 3600, minimum=1)
DELIVERY_CLAIM_SECONDS = env_int("DELIVERY_CLAIM_SECONDS", 360, minimum=1)

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

# Notices to the member (issue 21): the days a mailed notice takes to arrive.
# The 180 days to appeal run from receipt (29 CFR 2560.503-1(h)(3)(i)), counted
# as the mailing date plus this allowance (core/deadlines.appeal_deadline).
NOTICE_MAILING_ALLOWANCE_DAYS = int(os.environ.get("NOTICE_MAILING_ALLOWANCE_DAYS", "5"))
if not 0 <= NOTICE_MAILING_ALLOWANCE_DAYS <= 30:
    raise ImproperlyConfigured("NOTICE_MAILING_ALLOWANCE_DAYS must be between 0 and 30 days")

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
