"""gunicorn settings: `gunicorn -c hemgenix_site/gunicorn.conf.py`."""

import multiprocessing
import os

wsgi_app = "hemgenix_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Letters take WeasyPrint a few hundred milliseconds at most; a minute is generous.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Off unless asked for: the app writes a JSON line per request with its
# request ID (authorizations/core/logs.py), and nginx keeps an access log.
# GUNICORN_ACCESS_LOG=- writes gunicorn's own to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The path without its query string: an admin search (?q=) may hold a patient's
# name, and logs must never carry patient data.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Load WeasyPrint and its fonts before the worker takes requests: the
    first render in a process costs about half a second, which would otherwise
    fall on a prescriber's submit. The letters keep the fonts and their parsed
    stylesheet for the worker's life (authorizations/letters/reuse.py)."""
    import weasyprint

    from authorizations.letters import reuse

    weasyprint.HTML(string="<p>warm-up</p>").write_pdf(
        font_config=reuse.font_config(), stylesheets=[reuse.stylesheet()])
