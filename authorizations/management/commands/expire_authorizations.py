"""`manage.py expire_authorizations [--as-of DATE]`: record as expired every
active authorization whose last day has passed. Idempotent and safe to run
from cron: expiry is decided by the date; this writes it down, once."""


from django.core.management.base import BaseCommand

from authorizations.management.commands._as_of import add_as_of, parse_as_of
from authorizations.treatment.authorizations import record_lapses


class Command(BaseCommand):
    help = "Record expired authorizations (idempotent; prints how many were recorded)."

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, as_of=None, **options):
        day = parse_as_of(as_of)
        count = record_lapses(as_of=day)
        self.stdout.write(f"{count} authorization{'s' if count != 1 else ''} recorded as expired")
