"""manage.py metrics --from DATE --to DATE [--format csv|json]: the operations
page's figures (authorizations.metrics.compute), suppression included."""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from authorizations.operations import metrics


def _date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--{name} must be a date like 2026-11-01, not {raw!r}") from None


class Command(BaseCommand):
    help = "Aggregate prior authorization metrics for requests submitted in a period."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, start, end, format, **options):
        start, end = _date("from", start), _date("to", end)
        if start > end:
            raise CommandError("--to must be on or after --from")
        m = metrics.compute(start, end)
        if format == "json":
            self.stdout.write(json.dumps(m.as_dict(), indent=2))
        else:
            csv.writer(self.stdout, lineterminator="\n").writerows(m.csv_rows())
