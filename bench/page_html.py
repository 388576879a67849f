#!/usr/bin/env python
"""The reviewer's request pages as HTML files, to compare two versions of the
code (issue 20: a faster page must print the same page). Renders, in one
process with production settings, each request page of --database-url as each
reviewer given, at one frozen instant, the CSRF tokens masked; run it once per
checkout into two directories and diff them:

    .venv/bin/python bench/page_html.py --database-url postgres:///db --out /tmp/a \
        [--code /path/to/other/checkout] [--as demo-reviewer --as demo-reviewer-2]

Without --request, every submitted request's page (and the timeline's second
page where there is one, and its appeals' pages) of the database, up to --limit, one per status and
owner past that. Writes only the pages' audit rows (who viewed them).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose code renders the pages")
    parser.add_argument("--as", dest="users", action="append",
                        help="a reviewer's username (repeatable)")
    parser.add_argument("--request", type=int, action="append", help="a request's id")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--at", default="2026-12-07T15:00:00+00:00",
                        help="the frozen instant the pages are rendered at")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    from bench.benchmark import in_process, signed_in

    in_process(args.database_url)
    import time_machine
    from django.db.models import Min
    from django.urls import reverse

    from authorizations.models import Appeal, AuthorizationRequest, Status

    submitted = AuthorizationRequest.objects.exclude(status=Status.DRAFT)
    if args.request:
        ids = args.request
    elif submitted.count() <= args.limit:
        ids = list(submitted.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(row["first"] for row in submitted.values("status", "owner_id")
                     .annotate(first=Min("pk")).order_by())
        ids += list(AuthorizationRequest.objects.filter(member_id__startswith="DESK-")
                    .values_list("pk", flat=True))
    args.out.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(datetime.fromisoformat(args.at), tick=False):
        for username in args.users or ["bench-reviewer"]:
            client = signed_in(username)
            for pk in ids:
                path = f"/admin/authorizations/authorizationrequest/{pk}/change/"
                query = ""
                while query is not None:
                    response = client.get(path + query)
                    html = CSRF.sub('name="csrfmiddlewaretoken" value="-"',
                                    response.content.decode())
                    name = f"{username}-{pk}{'-timeline2' if query else ''}.html"
                    (args.out / name).write_text(f"{response.status_code}\n{html}")
                    # The timeline's second page too, where there is one.
                    query = ("?timeline=2" if not query and "?timeline=2#timeline" in html
                             else None)
            # The appeals' pages print the same criteria and documents.
            for appeal in Appeal.objects.filter(request_id__in=ids).values_list("pk", flat=True):
                response = client.get(reverse("admin:authorizations_appeal_decide",
                                              args=[appeal]))
                html = CSRF.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())
                (args.out / f"{username}-appeal-{appeal}.html").write_text(
                    f"{response.status_code}\n{html}")
    print(f"{len(list(args.out.iterdir()))} pages in {args.out}")


if __name__ == "__main__":
    main()
