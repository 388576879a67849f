"""Create a draft request from a QuestionnaireResponse (FHIR JSON) made by an
EHR's DTR app; the prescriber finishes it in the wizard."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from authorizations.core.access import prescriber_profile
from authorizations.fhir import importing


class Command(BaseCommand):
    help = ("Create a draft request of PRESCRIBER from a FHIR QuestionnaireResponse file. "
            "Nothing is imported unless every answer can be read; each problem is printed "
            "on stderr as 'linkId: message' and the command exits non-zero.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="QuestionnaireResponse JSON file ('-' for stdin)")
        parser.add_argument("--prescriber", required=True,
                            help="username of the prescriber who owns the draft")

    def handle(self, *args, file: str, prescriber: str, **options):
        user = get_user_model().objects.filter(username=prescriber).first()
        profile = prescriber_profile(user) if user is not None else None
        if profile is None:
            raise CommandError(f"{prescriber!r} is not a prescriber")
        try:
            text = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            req = importing.import_questionnaire_response(by=user, htc=profile.htc, text=text,
                                                          via="command")
        except importing.ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(f"{problem.key}: {problem.message}")
            raise CommandError(f"nothing imported: {len(exc.problems)} problem(s)") from None
        self.stdout.write(f"{req.number}: draft created for {prescriber}, "
                          f"resume at /requests/{req.pk}/edit/")
