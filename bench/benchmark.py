#!/usr/bin/env python
"""Benchmark suite: starts the service under gunicorn on 127.0.0.1 against
PostgreSQL and prints every figure in one run (see docs/benchmarks.md).

    .venv/bin/python bench/benchmark.py [--quick]

It creates (and drops first) its own database, `hemgenix_bench`. Figures are
printed, never asserted: tests hold no timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.httpclient import Client, form_fields, summarize, timed_gets  # noqa: E402
from bench.lists import run_lists  # noqa: E402

PASSWORD = "bench-password-" + secrets.token_hex(4)


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the gunicorn instances (production settings)."""
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        # Simulated prescribers log in many times from one address.
        "AXES_FAILURE_LIMIT": "1000",
        # Notices are kept in memory: no mail server here, and sending is not
        # what is measured.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "hemgenix_site.settings",
        **extra,
    }


def configure(database_url: str) -> dict[str, str]:
    """server_env, also for this process (it seeds the database)."""
    env = server_env(database_url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hemgenix_site.settings"
    return env


def in_process(database_url: str) -> None:
    """Django set up in this process with the instances' settings (server_env),
    for the in-process profiles (bench/profile_page.py, queue_cpu.py,
    profile_submit.py)."""
    configure(database_url)
    import django

    django.setup()


def signed_in(username: str | None = None) -> Any:
    """A test client in this process, signed in as `username` (None: nobody)."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def print_profile(client: Any, path: str, gets: int, sort: str, top: int) -> None:
    """cProfile's table of `gets` GETs of `path`, its `top` entries by `sort`."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(gets):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats(sort).print_stats(top)


def recreate_database(database_url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        # As bin/create-db-roles sets it for the app role (the benchmark
        # connects as a superuser): no JIT compilation.
        conn.execute(f'ALTER DATABASE "{name}" SET jit = off')


def prepare(clients: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from authorizations.accounts.services import user_create_prescriber, user_create_reviewer
    from authorizations.models import HTC

    htcs = list(HTC.objects.all()[:clients])
    for i in range(clients):
        user_create_prescriber(
            by=None, username=f"bench-prescriber-{i}", password=PASSWORD,
            htc=htcs[i % len(htcs)], first_name="Bench", last_name=f"Prescriber {i}",
            credentials="MD")
    user_create_reviewer(by=None, username="bench-reviewer", password=PASSWORD,
                         first_name="Rita", last_name="Reviewer",
                         credentials="MD, Hematology")


class Server:
    def __init__(self, env: dict[str, str], port: int, workers: int):
        self.port = port
        # A file, not a pipe nobody reads: a full pipe would stall the server.
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "hemgenix_site/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
            stderr=self.stderr, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                client = Client("127.0.0.1", port)
                if client.get("/accounts/login/").status == 200:
                    client.close()
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.errors()}")

    def errors(self) -> str:
        """What the instance wrote to stderr: warnings, errors, tracebacks."""
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        self.stderr.close()


# --- The wizard, driven by its own HTML --------------------------------------

def _case(**changes) -> dict:
    from tests.cases import case_for

    # A member ID per submission: one treatment per lifetime would pend repeats.
    # Dated from today: a test result over 30 days old, or a planned date in
    # the past, would pend or refuse it (data dictionary version 3).
    return {**case_for(date.today(), member_id="BENCH-" + secrets.token_hex(6), **changes),
            "expedited": False}


def _fill(fields: dict[str, dict], case: dict) -> list[tuple[str, str]]:
    """Answer a step's form from the case, by answer key (formtools adds a
    `<step>-` prefix); keep the defaults of everything else."""
    pairs = []
    for name, field in fields.items():
        key = name.split("-", 1)[-1]
        if name == "csrfmiddlewaretoken" or field["type"] in ("submit", "button"):
            continue
        value = case.get(key, "__default__")
        if value == "__default__" or value is None:
            if field["value"] is not None:
                pairs.append((name, field["value"]))
            elif field["options"]:
                pairs.append((name, field["options"][0] or ""))
            continue
        if isinstance(value, bool):
            wanted = {"true", "yes", "1", "on"} if value else {"false", "no", "0"}
            match = [o for o in field["options"] if o and o.lower() in wanted]
            pairs.append((name, match[0] if match else str(value)))
        else:
            pairs.append((name, str(value)))
    return pairs


def walk_wizard(client: Client, record=None, **changes) -> str:
    """Start a request and answer every step (the approvable case, with
    `changes`); return the result page path."""
    case = _case(**changes)
    response = client.get("/requests/new/")
    path = "/requests/new/"
    for _ in range(40):
        while response.status == 302:
            path = response.location
            response = client.get(path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} gave HTTP {response.status}")
        if record:
            record("GET", path, response)
        fields = form_fields(response.text)
        pairs = _fill(fields, case)
        if not any(n.endswith("current_step") for n, _ in pairs):
            return path  # no wizard form: the result page
        posted = client.post(path, pairs)
        if record:
            record("POST", path, posted)
        if posted.status == 200:
            raise RuntimeError(f"step {path} refused the answers")
        response = posted
    raise RuntimeError("the wizard did not end")



def start_instances(database_url: str, ports: list[int], workers: int,
                    prescribers: int) -> list[Server]:
    """A fresh database with `prescribers` prescribers, and one gunicorn
    instance on each port (the two-instance journey and the load run)."""
    env = configure(database_url)
    recreate_database(database_url)
    prepare(prescribers)
    return [Server(env, port, workers) for port in ports]

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/hemgenix_bench")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--clients", type=int, default=64,
                        help="concurrent prescribers across two instances")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--large", type=int, default=100_000,
                        help="requests in the big changelist run")
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples, 10 s load, 10,000 requests: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.samples, args.load_seconds, args.large = 40, 10, 10_000

    env = configure(args.database_url)
    recreate_database(args.database_url)
    prepare(args.clients)
    # After Django is set up (they read the models).
    from bench.concurrency import run_load
    from bench.pages import run_pages, run_upload

    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; PostgreSQL at {args.database_url.split('@')[-1]}")
    print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{args.port}; "
          f"{args.samples} samples per figure\n")

    server = Server(env, args.port, args.workers)
    try:
        base_p50 = run_http(args)
        run_pages(args.port, base_p50, args.samples, PASSWORD)
        run_upload(server, PASSWORD)
        run_letters()
        run_evaluator()
        run_lists(args, base_p50, PASSWORD)
        # The second instance only now: the figures above are one instance's.
        second = Server(env, args.port + 1, args.workers)
        try:
            run_load([args.port, args.port + 1], args.clients, args.load_seconds, PASSWORD)
        finally:
            second.stop()
    finally:
        server.stop()


def run_http(args) -> float:
    client = Client("127.0.0.1", args.port)
    base = timed_gets(client, "/accounts/login/", args.samples)
    base_p50, base_p99 = summarize(base)
    print("== Pages (ms)                         p50      p99   p50 ratio to login")
    print(f"login page GET (baseline)        {base_p50:8.2f} {base_p99:8.2f}      1.0")

    client.login("bench-prescriber-0", PASSWORD)
    samples: dict[tuple[str, str], list[float]] = {}
    order: list[tuple[str, str]] = []

    def record(method, path, response):
        # /requests/new/, /requests/<id>/edit/<step>/, and the result /requests/<id>/
        parts = path.strip("/").split("/")
        step = parts[-1] if "edit" in parts or parts[-1] == "new" else "result page"
        key = (method, step)
        if key not in samples:
            order.append(key)
        samples.setdefault(key, []).append(response.seconds)

    end_to_end = []
    runs = max(5, args.samples // 10)
    for _ in range(runs):
        started = time.perf_counter()
        walk_wizard(client, record)
        end_to_end.append(time.perf_counter() - started)
    for method, step in order:
        p50, p99 = summarize(samples[(method, step)])
        print(f"{method:4} {step:27} {p50:8.2f} {p99:8.2f} {p50 / base_p50:8.1f}")
    p50, p99 = summarize(end_to_end)
    print(f"full submission, end to end      {p50:8.2f} {p99:8.2f}   ({runs} runs)\n")
    client.close()
    return base_p50


def run_letters() -> None:
    import weasyprint

    from authorizations.letters import rendering as letters
    from bench.profiling import pended_determination

    determination = pended_determination()

    def timed(fn, n=20):
        fn()  # warm: fonts and stylesheets load once per process
        out = []
        for _ in range(n):
            started = time.perf_counter()
            fn()
            out.append(time.perf_counter() - started)
        return statistics.median(out) * 1000

    trivial = timed(lambda: weasyprint.HTML(string="<p>Hemgenix</p>").write_pdf())
    letter = timed(lambda: letters.render_pdf(determination))
    print("== Letters (ms, median of 20 warm renders, in one process)")
    print(f"WeasyPrint one-line page         {trivial:8.1f}")
    print(f"pended letter (2 unmet criteria) {letter:8.1f}   ratio {letter / trivial:.1f}\n")


def run_evaluator() -> None:
    from authorizations import policy
    from tests.factories import approvable_case

    cases = [approvable_case(), approvable_case(hbsag="positive", date_of_birth="2010-01-01"),
             approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                             life_threatening_hemorrhage=False,
                             repeated_serious_spontaneous_bleeding=True)]
    as_of = date(2026, 11, 27)
    # CPU time of this one thread: the rate on one core, whatever else the
    # machine runs meanwhile (wall time is printed beside it).
    count, cpu, wall = 0, time.process_time(), time.perf_counter()
    while time.process_time() - cpu < 3:
        for case in cases:
            policy.evaluate(case, as_of=as_of, lifetime_used=False, review_flags=[])
        count += len(cases)
    rate = count / (time.process_time() - cpu)
    print("== Evaluator (one core, validate + evaluate, JSON case)")
    print(f"cases per CPU second             {rate:10,.0f}   "
          f"(per wall second {count / (time.perf_counter() - wall):,.0f})\n")


if __name__ == "__main__":
    main()
