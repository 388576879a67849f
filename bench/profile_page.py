#!/usr/bin/env python
"""CPU profile of the reviewer's request page (issue 20), in one process, on
the database bench/desk.py built (its two busy requests, DESK-1-1-10 and
DESK-10-20-500). Prints per page: CPU ms (process time), wall ms, the query
count and the time waiting on SQL, then cProfile's top functions.

    .venv/bin/python bench/profile_page.py --database-url postgres://.../hemgenix_bench_x \
        [--gets 20] [--top 40] [--sort tottime]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import print_profile, signed_in  # noqa: E402
from bench.profiling import open_database, profile_arguments  # noqa: E402

QUEUE = "/admin/authorizations/authorizationrequest/"


def main() -> None:
    parser = profile_arguments(__doc__)
    parser.add_argument("--gets", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--profile", action="store_true", help="print cProfile's table")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument("--width", type=int, default=300, help="characters of SQL shown")
    args = parser.parse_args()
    open_database(args)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from authorizations.models import AuthorizationRequest

    client = signed_in("bench-reviewer")
    for member in ("DESK-1-1-10", "DESK-10-20-500"):
        pk = AuthorizationRequest.objects.get(member_id=member).pk
        path = f"{QUEUE}{pk}/change/"
        for _ in range(3):
            assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = list(ctx.captured_queries)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        cpu, wall = [], []
        for _ in range(args.gets):
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            client.get(path)
            cpu.append((time.process_time() - cpu_start) * 1000)
            wall.append((time.perf_counter() - wall_start) * 1000)
        # The median and the least: other processes' load inflates even CPU time.
        print(f"{member}: CPU median {statistics.median(cpu):6.2f} ms (least {min(cpu):6.2f}), "
              f"wall median {statistics.median(wall):6.2f} ms, "
              f"{len(queries)} queries ({sql_ms:.2f} ms SQL)")
        if args.sql:
            for q in queries:
                print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:args.width]}")
        if args.profile:
            print_profile(client, path, args.gets, args.sort, args.top)


if __name__ == "__main__":
    main()
