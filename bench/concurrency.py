#!/usr/bin/env python
"""Concurrent prescribers across two gunicorn instances on one PostgreSQL
database: each simulated prescriber (a thread, its own keep-alive
connections) signs in once, then repeats the full journey of bench/journey.py (the
wizard, a document, submit, a reviewer's approval in the admin, the letter,
the document, the export), every request
alternating between the two instances, for a fixed time; every HTTP error and
every failed step is counted.

    .venv/bin/python bench/concurrency.py [--clients 64] [--seconds 60]

bench/benchmark.py runs the same (run_load) as the last part of its one run.
It recreates its own database, `hemgenix_load`.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import PASSWORD, start_instances, summarize  # noqa: E402
from bench.journey import document_bytes, full_journey  # noqa: E402
from bench.two_instances import Alternating  # noqa: E402


def run_load(ports: list[int], clients: int, seconds: int, password: str) -> int:
    """Print the figures; return the number of errors. `password`: the one
    prepare() gave the accounts (bench/benchmark.py run as a script is another
    module than the one imported here, with another PASSWORD)."""
    latencies: list[float] = []
    errors: list[str] = []
    journeys = [0]
    lock = threading.Lock()
    document = document_bytes()
    # The 60 s start once every prescriber has signed in: a sign-in's password
    # hash (PBKDF2, deliberately slow) would otherwise fill the window.
    window: dict[str, float] = {}

    def open_window():
        window["signed_in"] = time.perf_counter()
        window["stop_at"] = window["signed_in"] + seconds

    everyone_in = threading.Barrier(clients, action=open_window)

    class Counted(Alternating):
        def _request(self, method, path, body=None, headers=None):
            response = super()._request(method, path, body, headers)
            if "stop_at" in window:  # the window's requests only
                with lock:
                    latencies.append(response.seconds)
                    if response.status >= 400:
                        errors.append(f"{method} {path} -> HTTP {response.status}")
            return response

    def prescriber(i: int) -> None:
        browser, admin = Counted(ports), Counted(ports)
        try:
            try:
                browser.login(f"bench-prescriber-{i}", password)
                admin.login("bench-reviewer", password, "/admin/login/")
            finally:
                everyone_in.wait()
            while time.perf_counter() < window["stop_at"]:
                full_journey(browser, admin, username=f"bench-prescriber-{i}",
                             reviewer_username="bench-reviewer", password=password,
                             document=document, signed_in=True)
                with lock:
                    journeys[0] += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            with lock:
                errors.append(f"prescriber {i}: {type(exc).__name__}: {exc}")
        finally:
            browser.close()
            admin.close()

    threads = [threading.Thread(target=prescriber, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - window["signed_in"]
    p50, p99 = summarize(latencies)
    print(f"== {clients} concurrent prescribers for {seconds} s, full journeys, requests "
          f"alternating between {len(ports)} instances")
    print(f"HTTP requests {len(latencies):,} ({len(latencies) / elapsed:,.0f}/s), "
          f"journeys {journeys[0]:,} (each a submission, an approval and the downloads), "
          f"errors {len(errors)}, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"{elapsed:.0f} s until the last journey ended; before it, "
          f"{2 * clients} sign-ins took {window['signed_in'] - started:.0f} s")
    for line in errors[:10]:
        print("  error:", line)
    return len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/hemgenix_load")
    parser.add_argument("--ports", type=int, nargs=2, default=[8781, 8782])
    parser.add_argument("--workers", type=int, default=4, help="per instance")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()

    servers = start_instances(args.database_url, args.ports, args.workers, args.clients)
    try:
        errors = run_load(args.ports, args.clients, args.seconds, PASSWORD)
    finally:
        for server in servers:
            server.stop()
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
