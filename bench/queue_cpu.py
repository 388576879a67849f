#!/usr/bin/env python
"""CPU per page of the work queue's views, in-process: the figures of
docs/benchmarks.md ("The work queue, lighter"), which hold on a loaded
machine where wall times do not.

    .venv/bin/python bench/queue_cpu.py --database-url postgres://.../hemgenix_bench_NAME \
        [--profile cumulative] [view ...]

Reads the database `bench/desk.py` built (its bench reviewer and requests);
production settings (debug off), Django's test client. Per view: the query
count, then the CPU time of a GET (time.process_time, the least and the
median of three rounds of `--gets`); with --profile, cProfile's top entries.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import print_profile, signed_in  # noqa: E402
from bench.profiling import open_database, profile_arguments  # noqa: E402

QUEUE = "/admin/authorizations/authorizationrequest/"
VIEWS = {"all": QUEUE, "unassigned": QUEUE + "?view=unassigned",
         "mine": QUEUE + "?view=mine", "overdue": QUEUE + "?view=overdue",
         "due_24h": QUEUE + "?view=due_24h",
         "information_received": QUEUE + "?view=information_received",
         "appeals": "/admin/authorizations/appeal/?may_decide=yes",
         "login": "/accounts/login/"}


def main() -> None:
    parser = profile_arguments(__doc__)
    parser.add_argument("--gets", type=int, default=20)
    parser.add_argument("--profile", choices=["cumulative", "tottime"])
    parser.add_argument("views", nargs="*", default=list(VIEWS))
    args = parser.parse_args()
    import logging

    open_database(args)
    logging.disable(logging.CRITICAL)  # one JSON line per request otherwise
    from django.db import connection

    reviewer = signed_in("bench-reviewer")
    anonymous = signed_in()
    for name in args.views:
        client = anonymous if name == "login" else reviewer
        path = VIEWS.get(name, name)
        for _ in range(3):  # warm
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path}: not 200")
        queries: list[str] = []

        def count(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(path)
        rounds = []
        for _ in range(3):
            start = time.process_time()
            for _ in range(args.gets):
                client.get(path)
            rounds.append((time.process_time() - start) / args.gets * 1000)
        rounds.sort()
        print(f"{name:22} queries {len(queries):3d}   CPU per page: least {rounds[0]:6.2f} ms, "
              f"median {rounds[1]:6.2f} ms", flush=True)
        if args.profile:
            print_profile(client, path, args.gets, args.profile, 40)


if __name__ == "__main__":
    main()
