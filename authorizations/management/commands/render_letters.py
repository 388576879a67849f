from django.core.management.base import BaseCommand, CommandError

from authorizations import services
from authorizations.letters import determinations_missing_letters


class Command(BaseCommand):
    help = ("Render every determination letter that is missing (e.g. after a rendering "
            "failure). Letters already stored are never rendered again.")

    def handle(self, *args, **options):
        rendered = failed = 0
        for determination in determinations_missing_letters():
            try:
                services.letter_issue(determination, by=None)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                failed += 1
                # Ids only: the letter holds patient data, its error might too.
                self.stderr.write(f"determination {determination.pk}: rendering failed "
                                  f"({type(exc).__name__})")
            else:
                rendered += 1
        self.stdout.write(f"{rendered} letter(s) rendered, {failed} failed")
        if failed:
            raise CommandError(f"{failed} letter(s) could not be rendered; see above")
