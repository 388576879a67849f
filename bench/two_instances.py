#!/usr/bin/env python
"""Two app servers, one PostgreSQL database: a prescriber's journey whose
requests alternate between two gunicorn instances (as behind a round-robin
load balancer), to show that nothing lives in one process: sessions, wizard
drafts, CSRF, lockout counters and throttles are all in the database.

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

from bench.benchmark import (  # noqa: E402
    PASSWORD,
    Server,
    configure,
    prepare,
    recreate_database,
    summarize,
    walk_wizard,
)
from bench.httpclient import Client  # noqa: E402


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


def journey(client: Alternating, username: str) -> str:
    client.login(username, PASSWORD)
    result = walk_wizard(client)
    for path in (result, "/requests/", result):
        response = client.get(path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} gave HTTP {response.status}")
    # The first is approved; later ones share the case's name and birth date,
    # so the possible-duplicate flag sends them to a reviewer.
    text = client.get(result).text
    if "Approved" not in text and "Sent to clinical review" not in text:
        raise RuntimeError(f"{result} does not show the request's result")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/hemgenix_two")
    parser.add_argument("--ports", type=int, nargs=2, default=[8771, 8772])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--journeys", type=int, default=5)
    args = parser.parse_args()

    env = configure(args.database_url)
    recreate_database(args.database_url)
    prepare(args.journeys)
    servers = [Server(env, port, args.workers) for port in args.ports]
    try:
        client = Alternating(args.ports)
        started = time.perf_counter()
        for i in range(args.journeys):
            client.cookies.clear()
            print(f"journey {i + 1}: {journey(client, f'bench-prescriber-{i}')}")
        elapsed = time.perf_counter() - started
        client.close()
    finally:
        for server in servers:
            server.stop()
    print(f"\n{args.journeys} journeys in {elapsed:.1f} s, requests alternating between "
          f"two instances on one database")
    print("instance          requests   p50 ms   p99 ms")
    for port, samples in client.seconds.items():
        p50, p99 = summarize(samples)
        print(f"127.0.0.1:{port}   {len(samples):8d} {p50:8.2f} {p99:8.2f}")


if __name__ == "__main__":
    main()
