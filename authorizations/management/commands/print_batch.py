from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from authorizations.letters.services import mailing_print_batch


class Command(BaseCommand):
    help = ("Make one PDF of every member's letter not yet mailed, issued up to and including "
            "--date (default today), with a cover sheet, and mark each one mailed on that date.")

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="the mailing date, YYYY-MM-DD")
        parser.add_argument("--out", help="where to write the PDF (default "
                                          "print-batch-<date>.pdf in the current directory)")

    def handle(self, *args, day=None, out=None, **options):
        try:
            mailed_on = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a date written YYYY-MM-DD, not {day!r}") \
                from None
        batch = mailing_print_batch(day=mailed_on, by=None)
        if batch is None:
            self.stdout.write(f"No member's letter to mail on {mailed_on:%Y-%m-%d}.")
            return
        path = Path(out or f"print-batch-{mailed_on:%Y-%m-%d}.pdf")
        # Patient data: readable by the operator's account only.
        path.touch(mode=0o600, exist_ok=True)
        path.write_bytes(bytes(batch.pdf))
        self.stdout.write(f"Print batch {batch.pk}: {batch.copies.count()} letter(s) mailed "
                          f"{mailed_on:%Y-%m-%d}, written to {path}")
