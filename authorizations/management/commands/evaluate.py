import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from authorizations import policy
from authorizations.lifetime import has_prior_authorization


class Command(BaseCommand):
    help = ("Evaluate one case (a JSON object) or many (a JSON array) against policy "
            "2026D0120K and print the outcome and unmet criterion IDs as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("case_file", help="JSON file, or - for standard input")
        parser.add_argument("--as-of", dest="as_of", help="evaluation date, YYYY-MM-DD "
                                                            "(default: today)")
        parser.add_argument("--trace", action="store_true",
                            help="also print each criterion's status and reason")

    def handle(self, *args, case_file, as_of, trace, **options):
        try:
            as_of_date = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from None
        try:
            if case_file == "-":
                data = json.load(sys.stdin)
            else:
                with open(case_file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {case_file}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{case_file} is not valid JSON: {exc}") from None

        cases = data if isinstance(data, list) else [data]
        results, failed = [], False
        for index, case in enumerate(cases):
            prefix = f"case {index}: " if isinstance(data, list) else ""
            try:
                answers = policy.validate(case, as_of=as_of_date)
            except policy.InvalidCase as exc:
                failed = True
                for problem in exc.problems:
                    self.stderr.write(f"{prefix}{problem}")
                results.append(None)
                continue
            evaluation = policy.evaluate_answers(
                answers, as_of=as_of_date,
                has_prior_authorization=has_prior_authorization(answers["member_id"]))
            results.append(evaluation.as_dict(trace=trace))

        # An array keeps its positions: an invalid case's place holds null.
        if isinstance(data, list):
            self.stdout.write(json.dumps(results))
        elif results[0] is not None:
            self.stdout.write(json.dumps(results[0]))
        if failed:
            raise CommandError("invalid input: see the problems above", returncode=2)
