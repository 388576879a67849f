"""`manage.py send_followup_reminders [--as-of DATE] [--base-url URL]`: email
the prescriber once when a follow-up becomes due and once when it becomes
overdue. Idempotent: each reminder is recorded, with its email's job in the
outbox, which the task worker sends (trying again while the mail server
fails). The emails carry no patient data: the request number and a link only."""

from django.core.management.base import BaseCommand

from authorizations.management.commands._as_of import add_as_of, parse_as_of
from authorizations.treatment.services import followup_send_reminders


class Command(BaseCommand):
    help = ("Send follow-up reminders (due, overdue) once each, through the outbox; prints "
            "how many were queued for the task worker.")

    def add_arguments(self, parser):
        add_as_of(parser)
        parser.add_argument("--base-url", dest="base_url", default="",
                            help="the site's address for links (default: DJANGO_SITE_URL)")

    def handle(self, *args, as_of=None, base_url="", **options):
        day = parse_as_of(as_of)
        result = followup_send_reminders(as_of=day, base_url=base_url)
        self.stdout.write(f"{result.sent} reminder{'s' if result.sent != 1 else ''} queued, "
                          f"{result.skipped} without an email address")
