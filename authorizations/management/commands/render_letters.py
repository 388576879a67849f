from django.core.management.base import BaseCommand, CommandError

from authorizations.letters.rendering import determinations_missing_letters
from authorizations.letters.services import letter_issue, letter_member_copy
from authorizations.models import Letter


class Command(BaseCommand):
    help = ("Render every determination letter that is missing (e.g. after a rendering "
            "failure), and the member's copy of every letter issued without one (letters "
            "issued before member copies existed). Letters already stored are never "
            "rendered again.")

    def handle(self, *args, **options):
        rendered = failed = 0
        for determination in determinations_missing_letters():
            try:
                letter_issue(determination, by=None)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                failed += 1
                # Ids only: the letter holds patient data, its error might too.
                self.stderr.write(f"determination {determination.pk}: rendering failed "
                                  f"({type(exc).__name__})")
            else:
                rendered += 1
        copies = 0
        for letter in (Letter.objects.filter(member_copy__isnull=True)
                       .select_related("determination__request").order_by("id")):
            try:
                letter_member_copy(letter, by=None)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                failed += 1
                self.stderr.write(f"letter {letter.pk}: member's copy rendering failed "
                                  f"({type(exc).__name__})")
            else:
                copies += 1
        self.stdout.write(f"{rendered} letter(s) rendered, {failed} failed")
        if copies:
            self.stdout.write(f"{copies} member's cop{'y' if copies == 1 else 'ies'} rendered")
        if failed:
            raise CommandError(f"{failed} letter(s) could not be rendered; see above")
