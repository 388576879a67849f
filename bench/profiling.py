"""The in-process profiles' shared start (bench/profile_*.py, queue_cpu.py):
their arguments and their database."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.benchmark import in_process, prepare, recreate_database


def profile_arguments(description: str, *, setup: bool = False) -> argparse.ArgumentParser:
    """The in-process profiles' arguments: the database, and with `setup` a
    --setup that recreates and seeds it (open_database)."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    if setup:
        parser.add_argument("--setup", action="store_true",
                            help="recreate and seed the database")
    return parser


def open_database(args: argparse.Namespace) -> None:
    """Django in this process on --database-url (in_process), recreated and
    seeded first when --setup was given."""
    in_process(args.database_url)  # connects to nothing yet
    if getattr(args, "setup", False):
        recreate_database(args.database_url)
        prepare(1)


def cpu_ms(fn: Callable[[], Any]) -> float:
    """The CPU milliseconds of one call of `fn` (time.process_time)."""
    started = time.process_time()
    fn()
    return (time.process_time() - started) * 1000


def pended_determination() -> Any:
    """The benchmarks' letter (bench/benchmark.py, profile_letter.py,
    profile_fhir_json.py): a request pended with two unmet criteria (HBsAg
    positive, a dose of 3e13), submitted through the services; its
    determination."""
    from authorizations.models import PrescriberProfile
    from authorizations.requests.services import (
        request_create,
        request_save_draft,
        request_submit,
    )
    from tests.cases import case_for

    user = PrescriberProfile.objects.select_related("user", "htc").first().user
    req = request_create(by=user, htc=user.prescriber.htc)
    request_save_draft(by=user, req=req, step="review",
                       answers=case_for(date.today(), member_id="LETTER-1", hbsag="positive",
                                        dose_gc_per_kg=3e13))
    return request_submit(by=user, req=req).determination
