"""Log lines an operator can ship: one JSON object per line, a request ID in
each, and never patient data.

- `JSONFormatter` writes every record as one JSON line (settings.LOGGING).
- `RequestLogMiddleware` (outermost) gives each request an ID (a sane
  `X-Request-ID` from the proxy, else a new one), returns it in the response's
  `X-Request-ID` and writes one line per request to `hemgenix.requests`: the
  method, the URL pattern matched and the path (ids only: the query string,
  which may hold a searched patient name, is never logged, nor is the path of
  a URL that matched nothing, which is whatever the client typed), the
  status, the time taken and the user's id.
- `log_audit_event` writes one line per audit row to `hemgenix.audit`, once
  its transaction commits: the action, the actor's id and the object's type
  and id. The row's detail stays in the database (it is identifiers only,
  but the log need not hold more than the pointer to it).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming ID may be: nginx's $request_id (32 hex digits), a UUID, a
# load balancer's trace ID. Anything else (too long, spaces, quotes, a
# patient's name) is replaced, never logged.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")

_request_id: ContextVar[str | None] = ContextVar("hemgenix_request_id", default=None)

requests_log = logging.getLogger("hemgenix.requests")
audit_log = logging.getLogger("hemgenix.audit")


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_for(incoming: str | None) -> str:
    """The proxy's ID when it is sane, else a new one."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIDFilter(logging.Filter):
    """Stamps every record with the current request's ID (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


WITHHELD_PATH = "<path that matched no URL, withheld>"


class UnmatchedPathFilter(logging.Filter):
    """On django.request: Django's "Not Found: <path>" quotes whatever the
    client typed (a patient's name, say) when the path matched no URL; such a
    path is withheld. A matched path holds ids only and is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and getattr(request, "resolver_match", None) is None \
                and isinstance(record.args, tuple):
            path = getattr(request, "path", "")
            escaped = path.encode("unicode_escape").decode("ascii")
            record.args = tuple(WITHHELD_PATH if a in (path, escaped) else a
                                for a in record.args)
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the
    request ID, and the record's `fields` (set through `extra=`)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            # The exception's type and traceback (code lines); a value in a
            # message is the code's own wording, as in the plain format.
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, without loading the user just to log it."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestLogMiddleware:
    """The request ID and the request's log line (first in MIDDLEWARE, so it
    sees the final status of every response, redirects and errors too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            requests_log.info("request", extra={"fields": {
                "event": "request",
                "method": request.method,
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "path": request.path if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            }})
            return response
        finally:
            _request_id.reset(token)


def log_audit_event(event: Any) -> None:
    """One line for an audit row, written when its transaction commits (a
    rolled-back service leaves no line)."""
    request_id = current_request_id()

    def write() -> None:
        # The row's id is read at the commit: a batch (core/audit.batched_audits)
        # writes its rows, and learns their ids, only at its block's end.
        fields = {"event": "audit", "audit_id": event.pk, "action": str(event.action),
                  "actor_id": event.actor_id, "object_type": event.object_type,
                  "object_id": event.object_id, "request_id": request_id}
        audit_log.info("audit", extra={"fields": fields})

    transaction.on_commit(write)
