"""`manage.py evaluate CASE.json [--as-of DATE] [--trace]`: the data
dictionary's evaluator (section 3). Never a traceback: every bad input exits 2
with one line per problem on stderr, naming the key (or the position, for
input that is not JSON at all)."""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from authorizations import policy
from authorizations.policy import values
from authorizations.requests import facts

MAX_INPUT_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = ("Evaluate one case (a JSON object) or many (a JSON array) against the policy in "
            "effect and print the outcome, unmet criterion IDs and review flags as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("case_file", help="JSON file, or - for standard input")
        parser.add_argument("--as-of", dest="as_of", help="evaluation date, YYYY-MM-DD "
                                                            "(default: today)")
        parser.add_argument("--trace", action="store_true",
                            help="also print each criterion's status and reason, and each "
                                 "review flag's reason")

    def handle(self, *args, case_file, as_of, trace, **options):
        try:
            as_of_date = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}",
                               returncode=2) from None
        data = self._read(case_file)
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
            # Both database facts on the evaluation date, as a submission on
            # that day would read them; the policy adds the flags the answers
            # raise (evidence_not_recent, dose_over_largest_kit).
            evaluation = policy.evaluate_answers(
                answers, as_of=as_of_date,
                lifetime_used=facts.lifetime_used(policy.member_key(answers["member_id"]),
                                                  as_of=as_of_date),
                review_flags=facts.review_flags(answers, as_of=as_of_date))
            results.append(evaluation.as_dict(trace=trace))

        # An array keeps its positions: an invalid case's place holds null.
        if isinstance(data, list):
            self.stdout.write(json.dumps(results))
        elif results[0] is not None:
            self.stdout.write(json.dumps(results[0]))
        if failed:
            raise CommandError("invalid input: see the problems above", returncode=2)

    def _read(self, case_file: str):
        def refuse(message: str):
            return CommandError(f"{case_file}: {message}", returncode=2)

        try:
            if case_file == "-":
                stream = getattr(sys.stdin, "buffer", None)  # bytes when there is a real stdin
                raw = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else \
                    sys.stdin.read(MAX_INPUT_BYTES + 1).encode("utf-8")
            else:
                with open(case_file, "rb") as handle:
                    raw = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror}") from None
        if len(raw) > MAX_INPUT_BYTES:
            raise refuse(f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise refuse(f"byte {exc.start}: not valid UTF-8") from None
        try:
            return values.loads(text)
        except json.JSONDecodeError as exc:
            raise refuse(f"line {exc.lineno} column {exc.colno}: not valid JSON "
                         f"({exc.msg})") from None
        except ValueError as exc:  # a number out of range, nesting too deep
            raise refuse(f"{exc}") from None
