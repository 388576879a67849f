#!/usr/bin/env python
"""Two app servers, one PostgreSQL database: full journeys (bench/journey.py:
the wizard, a document, submit, a reviewer's approval in the admin, the letter,
the document's download, the export) whose requests alternate between two
gunicorn instances (as behind a round-robin load balancer), to show that
nothing lives in one process: sessions, wizard drafts, CSRF, lockout counters
and throttles are all in the database.

    .venv/bin/python bench/two_instances.py [--journeys 5]

It recreates its own database, `hemgenix_two` (see bench/benchmark.py), and
exits non-zero if any step fails; it prints the per-instance request counts
and latencies.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import PASSWORD, start_instances, summarize  # noqa: E402
from bench.httpclient import Client  # noqa: E402
from bench.journey import document_bytes, full_journey  # noqa: E402


class Alternating(Client):
    """One browser (one cookie jar) whose requests go to A, B, A, B, ..."""

    def __init__(self, ports: list[int]):
        super().__init__("127.0.0.1", ports[0])
        self.clients = [Client("127.0.0.1", p) for p in ports]
        self.turn = 0
        self.seconds: dict[int, list[float]] = {p: [] for p in ports}

    def _request(self, method, path, body=None, headers=None):
        client = self.clients[self.turn % len(self.clients)]
        self.turn += 1
        client.cookies = self.cookies  # the one browser's cookies, whichever server
        response = client._request(method, path, body, headers)
        self.seconds[client.port].append(response.seconds)
        return response

    def close(self) -> None:
        for c in self.clients:
            c.close()


def run(ports: list[int], journeys: int, *, prescribers: list[str], reviewer: str,
        password: str) -> tuple[list[dict], Alternating, Alternating]:
    """`journeys` full journeys (bench/journey.py), every request of each
    person alternating between `ports`; returns what each journey saw."""
    document = document_bytes()
    browser, admin = Alternating(ports), Alternating(ports)
    results = []
    try:
        for i in range(journeys):
            browser.cookies.clear()
            admin.cookies.clear()
            results.append(full_journey(browser, admin, username=prescribers[i % len(prescribers)],
                                        reviewer_username=reviewer, password=password,
                                        document=document))
    finally:
        browser.close()
        admin.close()
    return results, browser, admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/hemgenix_two")
    parser.add_argument("--ports", type=int, nargs=2, default=[8771, 8772])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--journeys", type=int, default=5)
    args = parser.parse_args()

    servers = start_instances(args.database_url, args.ports, args.workers, args.journeys)
    try:
        started = time.perf_counter()
        results, browser, admin = run(
            args.ports, args.journeys, reviewer="bench-reviewer", password=PASSWORD,
            prescribers=[f"bench-prescriber-{i}" for i in range(args.journeys)])
        elapsed = time.perf_counter() - started
    finally:
        for server in servers:
            server.stop()
    same = all(r == results[0] for r in results)
    print(f"{args.journeys} full journeys in {elapsed:.1f} s, every request alternating "
          f"between two instances on one database; results "
          f"{'all the same' if same else 'DIFFER'}")
    print("instance          requests   p50 ms   p99 ms")
    for port in args.ports:
        samples = browser.seconds[port] + admin.seconds[port]
        p50, p99 = summarize(samples)
        print(f"127.0.0.1:{port}   {len(samples):8d} {p50:8.2f} {p99:8.2f}")
    if not same:
        for i, result in enumerate(results):
            print(f"journey {i + 1}: {result}")
        sys.exit(1)


if __name__ == "__main__":
    main()
