from django.core.management.base import BaseCommand

from authorizations.letters import tagline_fonts


class Command(BaseCommand):
    help = ("Cut the CJK taglines' fonts again from the installed Noto Sans CJK "
            "(fonts-noto-cjk) into authorizations/letters/fonts/: after a tagline's "
            "text changes, the tagline font tests fail until this has run.")

    def handle(self, *args, **options):
        for path in tagline_fonts.write_all():
            self.stdout.write(f"{path.relative_to(tagline_fonts.FONTS_DIR.parent.parent.parent)}"
                              f" ({path.stat().st_size:,} bytes)")
