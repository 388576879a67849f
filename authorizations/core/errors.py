"""The 404 and 500 pages, also when the static files were never collected.

With debug off, the manifest storage refuses to name a static file missing
from its manifest (ValueError): before `collectstatic` runs, or after a
deploy that forgot it, every page would be a 500 and the 500 page itself
would fail, leaving gunicorn's bare error. Django's own views render the
service's templates; when that fails for want of the manifest, a plain page
(no stylesheet, no script) says the same thing.
"""

from __future__ import annotations

import logging
from html import escape

from django.http import HttpRequest, HttpResponse
from django.views import defaults

log = logging.getLogger(__name__)

PLAIN = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} – Hemgenix prior authorization</title></head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
<p><a href="/requests/">Go to your requests</a></p>
</main>
</body>
</html>
"""

NOT_FOUND = ("Page not found", "If you typed the address, check it is correct. A request is "
             "only shown to prescribers at the hemophilia treatment center that made it.")
SERVER_ERROR = ("Sorry, there is a problem with the service",
                "Try again later. Your drafts are saved up to the last step you continued from.")


def plain_page(words: tuple[str, str], status: int) -> HttpResponse:
    title, text = (escape(w) for w in words)
    return HttpResponse(PLAIN.format(title=title, text=text), status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    try:
        return defaults.page_not_found(request, exception)
    except ValueError:  # the static files' manifest is missing (see above)
        log.error("the 404 page needs the static files' manifest: run collectstatic")
        return plain_page(NOT_FOUND, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return defaults.server_error(request)
    except ValueError:  # the static files' manifest is missing (see above)
        log.error("the 500 page needs the static files' manifest: run collectstatic")
        return plain_page(SERVER_ERROR, 500)
