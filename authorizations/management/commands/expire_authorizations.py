"""`manage.py expire_authorizations [--as-of DATE]`: record as expired every
active authorization whose last day has passed. Idempotent and safe to run
from cron: expiry is decided by the date; this writes it down, once."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from authorizations import services


class Command(BaseCommand):
    help = "Record expired authorizations (idempotent; prints how many were recorded)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        day = None
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)") from None
        count = services.record_lapses(as_of=day)
        self.stdout.write(f"{count} authorization{'s' if count != 1 else ''} recorded as expired")
