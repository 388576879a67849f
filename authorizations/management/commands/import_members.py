from django.core.management.base import BaseCommand, CommandError

from authorizations.members import roster_csv
from authorizations.members.services import member_import
from authorizations.models import Member


class Command(BaseCommand):
    help = ("Import or refresh the payer's member roster from a CSV with columns "
            f"{', '.join(roster_csv.COLUMNS)} (address_line2 may be empty). Every bad line is "
            "reported and nothing is changed.")

    def add_arguments(self, parser):
        parser.add_argument("csv", help="the roster export (CSV, UTF-8)")

    def handle(self, *args, csv, **options):
        try:
            with open(csv, newline="", encoding="utf-8-sig") as handle:
                rows = roster_csv.read_rows(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {csv}: {exc.strerror}") from None
        except roster_csv.RosterError as exc:
            raise CommandError(f"{csv}: nothing imported:\n{exc}") from None
        # All or nothing, each change audited (by "system").
        done = member_import(rows, by=None)
        self.stdout.write(f"Member roster: {done.created} created, {done.updated} updated, "
                          f"{Member.objects.count()} in all")
