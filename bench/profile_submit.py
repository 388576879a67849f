#!/usr/bin/env python
"""CPU profile of the wizard's submit (issue 21: the benchmark's "POST review"),
in one process (Django's test client, production settings, PostgreSQL). Each
sample walks the wizard as bench/benchmark.py does (the approvable case with
"No" to an expedited review, no reports attached, so it pends); only the final
POST of the review is timed, counted and profiled. Prints medians of CPU ms
(process time), wall ms, the query count and the time waiting on SQL; the
part spent outside the view (middleware: session, user, time zone) and in its
phases; with --profile cProfile's table, with --sql each query and where.

    .venv/bin/python bench/profile_submit.py --database-url postgres://.../hemgenix_bench_x \
        [--setup] [--samples 25] [--profile] [--sql]

--setup drops and creates that database first (bench/benchmark.py's helpers).
"""

from __future__ import annotations

import cProfile
import functools
import pstats
import statistics
import sys
import time
import traceback
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import (  # noqa: E402
    _case,
    _fill,
    signed_in,
)
from bench.httpclient import form_fields  # noqa: E402
from bench.profiling import open_database, profile_arguments  # noqa: E402

FORM = "application/x-www-form-urlencoded"


def timed(owner: Any, name: str, into: dict[str, list[tuple[float, float]]],
          label: str) -> None:
    """Wrap owner.name to add its (CPU ms, wall ms) to into[label]."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def run(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into.setdefault(label, []).append(((time.process_time() - cpu) * 1000,
                                               (time.perf_counter() - wall) * 1000))

    setattr(owner, name, run)


def main() -> None:
    parser = profile_arguments(__doc__, setup=True)
    parser.add_argument("--samples", type=int, default=25)
    parser.add_argument("--profile", action="store_true", help="print cProfile's table")
    parser.add_argument("--sql", action="store_true",
                        help="the last sample's queries and where (reading the stack "
                             "at each query slows every sample)")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    open_database(args)
    from django.db import connection

    from authorizations.requests.wizard import storage, views

    # Where the time goes, per sample: the view as a whole (the rest is the
    # middleware's), and its phases.
    phases: dict[str, list[tuple[float, float]]] = {}
    timed(views.RequestWizard, "dispatch", phases, "the view (gate and formtools)")
    timed(views.RequestWizard, "get_form_kwargs", phases, "  the review form's kwargs (preview)")
    timed(storage, "request_save_draft", phases, "  saving the review step")
    timed(views.RequestWizard, "render_done", phases, "  render_done (revalidation, done)")
    timed(views, "request_submit", phases, "    request_submit")

    client = signed_in("bench-prescriber-0")

    def to_submit() -> tuple[str, str]:
        """Answer every step; the review's address and its POST, not yet sent."""
        case = _case()
        path = "/requests/new/"
        response = client.get(path)
        for _ in range(40):
            while response.status_code == 302:
                path = response["Location"]
                response = client.get(path)
            body = urllib.parse.urlencode(_fill(form_fields(response.content.decode()), case))
            if path.rstrip("/").endswith("/review"):
                return path, body
            response = client.post(path, body, content_type=FORM)
        raise RuntimeError("the wizard did not reach its review")

    commits: list[float] = []

    def submit(path: str, body: str, queries: list[tuple[float, str]]) -> None:
        def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                # Timed before the stack is read (--sql), which takes longer than a query.
                ms = (time.perf_counter() - started) * 1000
                where = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                         for f in traceback.extract_stack()[:-1]
                         if "/authorizations/" in f.filename][-2:] if args.sql else []
                queries.append((ms, f"{sql[:80]}  @ {' < '.join(reversed(where))}"))

        # A COMMIT is no query Django's wrappers see; its wait (the WAL's flush)
        # is listed with them, not counted among them.
        django_commit = connection._commit

        def commit() -> None:
            started = time.perf_counter()
            try:
                django_commit()
            finally:
                commits.append((time.perf_counter() - started) * 1000)

        connection._commit = commit  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(wrapper):
                response = client.post(path, body, content_type=FORM)
        finally:
            del connection._commit
        if response.status_code != 302 or "/edit/" in response["Location"]:
            raise RuntimeError(f"the submit gave {response.status_code}")

    for _ in range(3):  # warm: templates, fonts, the policy's tables
        submit(*to_submit(), [])
    profile = cProfile.Profile() if args.profile else None
    cpu, wall, counts, sql, committing = [], [], [], [], []
    per_phase: dict[str, list[tuple[float, float]]] = {}
    queries: list[tuple[float, str]] = []
    for _ in range(args.samples):
        path, body = to_submit()
        phases.clear()
        queries = []
        commits.clear()
        if profile:
            profile.enable()
        started_cpu, started = time.process_time(), time.perf_counter()
        submit(path, body, queries)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if profile:
            profile.disable()
        counts.append(len(queries))
        sql.append(sum(ms for ms, _ in queries))
        committing.append(sum(commits))
        for label, runs in phases.items():
            per_phase.setdefault(label, []).append(
                (sum(c for c, _ in runs), sum(w for _, w in runs)))
    median = statistics.median
    print(f"submit POST (median of {args.samples})    cpu {median(cpu):6.2f} ms   wall "
          f"{median(wall):6.2f} ms   {median(counts):.0f} queries, {median(sql):.2f} ms in SQL, "
          f"{median(committing):.2f} ms in COMMIT")
    view = per_phase.pop("the view (gate and formtools)")
    print(f"outside the view (middleware)         cpu "
          f"{median(c - v[0] for c, v in zip(cpu, view, strict=True)):6.2f} ms   wall "
          f"{median(w - v[1] for w, v in zip(wall, view, strict=True)):6.2f} ms")
    print(f"the view (gate and formtools)         cpu {median(c for c, _ in view):6.2f} ms   "
          f"wall {median(w for _, w in view):6.2f} ms")
    for label, runs in per_phase.items():
        print(f"{label:37} cpu {median(c for c, _ in runs):6.2f} ms   "
              f"wall {median(w for _, w in runs):6.2f} ms")
    if args.sql:
        for ms, text in queries:
            print(f"  {ms:6.2f}  {text}")
        for ms in commits:
            print(f"  {ms:6.2f}  COMMIT")
    if profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
