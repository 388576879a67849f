"""The in-process profiles' shared start (bench/profile_*.py, queue_cpu.py):
their arguments and their database."""

from __future__ import annotations

import argparse

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
