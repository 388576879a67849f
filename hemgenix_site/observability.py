"""The logging settings: one JSON line per request and per audit event, with
the request ID (authorizations/core/logs.py), never patient data. Imported by
hemgenix_site/settings.py; from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

# Logs carry request paths, numbers and status codes, never answers: patient
# data is protected health information.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be a logging level, not {LOG_LEVEL!r}")
# One JSON object per line (DJANGO_LOG_FORMAT=plain for a terminal), each with
# the request's ID (authorizations/core/logs.py): a line per request
# (hemgenix.requests) and per audit event (hemgenix.audit), to ship as they are.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "json").strip().lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "authorizations.core.logs.RequestIDFilter"},
                "unmatched_paths": {"()": "authorizations.core.logs.UnmatchedPathFilter"},
                # Key material (an API token's stored hash) is redacted from every
                # line (issue 23 N13).
                "no_key_material": {"()": "authorizations.core.logfilters.RedactKeyMaterial"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "authorizations.core.logs.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id", "no_key_material"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # "Not Found: <path>": a path that matched nothing is the client's text.
        "django.request": {"filters": ["unmatched_paths"]},
        # At DEBUG it quotes template context, form values included.
        "django.template": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        # They check uploaded documents, and may quote their bytes.
        "PIL": {"level": "WARNING"},
        "pypdf": {"level": "CRITICAL"},
        # "C++ to Python logger bridge initialized" at INFO on every start.
        "pikepdf": {"level": "WARNING"},
    },
}
