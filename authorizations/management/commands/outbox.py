"""`manage.py outbox [--wait SECONDS] [--json]`: what the outbox holds (the
letters and email notices the task worker has not delivered yet) and how many
notices were sent, by name. With --wait, waits for the worker to empty it (at
most SECONDS: a bounded wait) and exits non-zero if jobs still wait, listing
them by id. It only reads: the worker does the work, so a smoke test that
waits here proves the worker, not this command. No patient data: ids, kinds,
the last error's class."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from authorizations.letters import selectors

POLL_SECONDS = 1


class Command(BaseCommand):
    help = ("Report the outbox (jobs waiting for the task worker) and the email notices sent; "
            "--wait SECONDS waits, bounded, until nothing waits, else fails.")

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0,
                            help="wait at most this many seconds for the outbox to empty")
        parser.add_argument("--json", dest="as_json", action="store_true",
                            help="one JSON object")

    def handle(self, *args, wait=0, as_json=False, **options):
        deadline = time.monotonic() + wait
        waiting = selectors.waiting_jobs()
        while waiting and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            waiting = selectors.waiting_jobs()
        sent = selectors.notices_sent()
        if as_json:
            self.stdout.write(json.dumps({"waiting": waiting, "notices_sent": sent,
                                          "emails_sent": sum(sent.values())}, sort_keys=True))
        else:
            self.stdout.write(f"{len(waiting)} job(s) waiting; {sum(sent.values())} email "
                              "notice(s) sent: " + (", ".join(
                                  f"{name} {n}" for name, n in sorted(sent.items())) or "none"))
        if waiting and wait:
            raise CommandError(f"{len(waiting)} job(s) still waiting after {wait:g} s: "
                               + "; ".join(_job_words(j) for j in waiting))


def _job_words(job: dict) -> str:
    error = f", last error {job['last_error']}" if job["last_error"] else ""
    return f"#{job['id']} {job['kind']} {job['notice']} after {job['attempts']} attempt(s){error}"
