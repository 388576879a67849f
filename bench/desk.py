#!/usr/bin/env python
"""The reviewer's desk benchmark (issue 20): the work queue's views at 1,000
and 100,000 requests, and a request's page with few and with many versions,
documents and events; p50 against the login page, and each page's query count.

    .venv/bin/python bench/desk.py [--large 100000] [--samples 60]

Its own database (`hemgenix_bench_desk`, dropped first), one gunicorn
instance (production settings) on 127.0.0.1. Figures are printed, never
asserted: the tests hold no timing (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import PASSWORD, Server, configure, prepare, recreate_database  # noqa: E402
from bench.httpclient import Client, summarize, timed_gets  # noqa: E402
from bench.lists import bulk_requests, page_queries  # noqa: E402

QUEUE = "/admin/authorizations/authorizationrequest/"
VIEWS = {"queue: all": QUEUE,
         "queue: unassigned": QUEUE + "?view=unassigned",
         "queue: mine": QUEUE + "?view=mine",
         "queue: overdue": QUEUE + "?view=overdue",
         "queue: due within 24 h": QUEUE + "?view=due_24h",
         "queue: information received": QUEUE + "?view=information_received",
         "appeals I may decide": "/admin/authorizations/appeal/?may_decide=yes"}


def claim_some(n: int) -> None:
    """The bench reviewer owns `n` open cases ("Mine" has rows to show)."""
    from django.contrib.auth.models import User

    from authorizations.models import AuthorizationRequest
    from authorizations.review.desk_services import case_claim

    reviewer = User.objects.get(username="bench-reviewer")
    have = AuthorizationRequest.objects.filter(owner=reviewer).count()
    for req in (AuthorizationRequest.objects.filter(status="pending_review", owner=None)
                .order_by("-pk")[:max(0, n - have)]):
        case_claim(by=reviewer, req=req)


def busy_request(versions: int, documents: int, events: int) -> int:
    """A pending request with this many answer versions, documents and
    timeline events, made through the services."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from authorizations.core.actions import AuditAction
    from authorizations.core.audit import audit
    from authorizations.documents.services import document_add
    from authorizations.requests.services import (
        request_create,
        request_save_draft,
        request_submit,
    )
    from authorizations.review.conversation import answers_change
    from authorizations.review.services import information_request, information_respond
    from tests.cases import case_for
    from tests.files import pdf_bytes, upload

    prescriber = User.objects.get(username="bench-prescriber-0")
    reviewer = User.objects.get(username="bench-reviewer")
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, step="review", answers=case_for(
        timezone.localdate(), member_id=f"DESK-{versions}-{documents}-{events}",
        hbsag="positive"))
    request_submit(by=prescriber, req=req)
    req.refresh_from_db()
    for i in range(documents):
        document_add(by=prescriber, req=req, kind="clinic_note",
                     criterion="hepatitis_b" if i % 2 else "",
                     upload=upload(f"note-{i}.pdf", pdf_bytes(), "application/pdf"))
    # Versions are made in a response to a request for information.
    information_request(by=reviewer, req=req, criteria=["hepatitis_b"], document_kinds=[],
                        message="Send the repeat HBsAg.")
    for i in range(1, versions):
        req.refresh_from_db()
        answers_change(by=prescriber, req=req, step="patient",
                       answers={**req.answers, "weight_kg": 70 + i})
    information_respond(by=prescriber, req=req, note="Weights corrected.")
    for _ in range(events):
        audit(by=reviewer, action=AuditAction.OFFER_PEER_TO_PEER, obj=req)
    return req.pk


def alongside(client: Client, path: str, anonymous: Client, n: int) -> tuple[list[float], float]:
    """The page's samples, and the login page's p50 from samples taken in
    turn with them: a baseline from the same minutes as the page. The first
    baseline alone moved from 3.6 to 6.1 ms between two runs minutes apart on
    one machine (docs/benchmarks.md), and each ratio with it; both are printed."""
    page, login = [], []
    for _ in range(n):
        login += timed_gets(anonymous, "/accounts/login/", 1)
        page += timed_gets(client, path, 1)
    return page, summarize(login)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/hemgenix_bench_desk")
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    env = configure(args.database_url)
    recreate_database(args.database_url)
    prepare(4)
    server = Server(env, args.port, args.workers)
    try:
        client = Client("127.0.0.1", args.port)
        base_p50, base_p99 = summarize(timed_gets(client, "/accounts/login/", args.samples))
        print(f"login page (baseline)                   p50 {base_p50:7.2f} ms  p99 "
              f"{base_p99:7.2f} ms")
        client.login("bench-reviewer", PASSWORD, "/admin/login/")

        anonymous = Client("127.0.0.1", args.port)
        print("\n== The work queue         requests  queries   p50 ms   p99 ms  ratio to login"
              "  (login p50 alongside, ratio)")
        figures = {}
        for total in (1_000, args.large):
            bulk_requests(total)
            claim_some(30)
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE authorizations_authorizationrequest")
            for name, path in VIEWS.items():
                queries = page_queries(path)
                page, login = alongside(client, path, anonymous, args.samples)
                p50, p99 = summarize(page)
                figures[name, total] = (queries, p50)
                print(f"{name:28} {total:>8,} {queries:6d} {p50:8.2f} {p99:8.2f} "
                      f"{p50 / base_p50:8.1f}  {login:7.2f} {p50 / login:5.1f}")
        for name in VIEWS:
            (q1, t1), (q2, t2) = figures[name, 1_000], figures[name, args.large]
            print(f"{name}: queries {q1} and {q2} "
                  f"({'unchanged' if q1 == q2 else 'CHANGED'}); p50 ratio {t2 / t1:.2f}")

        print("\n== The request page    versions documents events  queries   p50 ms   p99 ms  "
              "ratio to login  (login p50 alongside, ratio)")
        for shape in ((1, 1, 10), (10, 20, 500)):
            pk = busy_request(*shape)
            path = f"{QUEUE}{pk}/change/"
            queries = page_queries(path)
            page, login = alongside(client, path, anonymous, args.samples)
            p50, p99 = summarize(page)
            print(f"{'request page':20} {shape[0]:8d} {shape[1]:9d} {shape[2]:6d} {queries:8d} "
                  f"{p50:8.2f} {p99:8.2f} {p50 / base_p50:8.1f}  {login:7.2f} {p50 / login:5.1f}")
        client.close()
        anonymous.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
