from django.core.management.base import BaseCommand, CommandError

from authorizations.accounts import htc_csv
from authorizations.accounts.directory import htc_import
from authorizations.models import HTC


class Command(BaseCommand):
    help = ("Import or refresh the HTC directory from a CSV with columns name, city, state and "
            "optionally designated (yes/no), region, source_url.")

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(htc_csv.STARTER_CSV),
                            help="CSV file (default: the starter directory shipped with the app)")

    def handle(self, *args, csv, **options):
        try:
            with open(csv, newline="", encoding="utf-8-sig") as handle:
                rows = htc_csv.read_rows(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {csv}: {exc.strerror}") from None
        except htc_csv.DirectoryError as exc:
            raise CommandError(f"{csv}: {exc}") from None
        # All or nothing, each change audited (by "system").
        done = htc_import(rows, by=None)
        self.stdout.write(f"HTC directory: {done.created} created, {done.updated} updated, "
                          f"{HTC.objects.count()} in all")
