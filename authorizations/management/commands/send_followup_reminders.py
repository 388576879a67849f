"""`manage.py send_followup_reminders [--as-of DATE] [--base-url URL]`: email
the prescriber once when a follow-up becomes due and once when it becomes
overdue. Idempotent: each reminder sent is recorded. The emails carry no
patient data: the request number and a link only."""

import os
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from authorizations import services


class Command(BaseCommand):
    help = "Send follow-up reminders (due, overdue) once each; prints how many were sent."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default: today)")
        parser.add_argument("--base-url", dest="base_url",
                            default=os.environ.get("HEMGENIX_BASE_URL", ""),
                            help="the site's address for links (default: $HEMGENIX_BASE_URL)")

    def handle(self, *args, as_of=None, base_url="", **options):
        day = None
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)") from None
        result = services.followup_send_reminders(as_of=day, base_url=base_url)
        self.stdout.write(f"{result.sent} reminder{'s' if result.sent != 1 else ''} sent, "
                          f"{result.skipped} without an email address")
