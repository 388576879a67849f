"""The language of a member's letter (issue 21): the roster's preferred
language when the project has a catalogue for it, else English.

Django's translation machinery does the rest: the templates mark their member
prose with {% translate %} and {% blocktranslate %}, plain.py, member.py and
denial_codes.py mark theirs with gettext, and the catalogue is
authorizations/locale/<language>/LC_MESSAGES/django.po (compiled to .mo,
README's "Translations"). The next language is a catalogue, not code: once
its .mo exists, members whose roster language it is get their letters in it.

The prescriber's copy is always English, and so are the policy's own words,
which every letter quotes as they are, marked lang="en". The engine's words
(findings, documentation, the criteria's names) are translated where a member's
letter prints them (letters/findings.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from authorizations.core import deadlines

ENGLISH = "en"


def has_catalogue(code: str) -> bool:
    """Whether the project (not Django) has a compiled catalogue for `code`:
    Django ships its own messages in many languages, which would translate a
    letter's dates and leave its prose in English."""
    locale = translation.to_locale(code)
    return any((Path(path) / locale / "LC_MESSAGES" / "django.mo").is_file()
               for path in settings.LOCALE_PATHS)


def language_of(preferred: str | None) -> str:
    """The letter's language for a roster language ("es", "es-MX"): the
    language itself, or its primary subtag, if it has a catalogue; English
    otherwise (and for English)."""
    code = (preferred or "").strip().lower()
    for candidate in (code, code.split("-")[0]):
        if candidate and not candidate.startswith(ENGLISH) and has_catalogue(candidate):
            return candidate
    return ENGLISH


@contextmanager
def letter_language(copy_is_member: bool, preferred: str | None) -> Iterator[str]:
    """Render a copy inside this: the member's copy in the member's language
    (`preferred`, the roster's), the prescriber's in English."""
    code = language_of(preferred) if copy_is_member else ENGLISH
    with translation.override(code):
        yield code


def current() -> str:
    """The language being rendered, as the letter's HTML and PDF name it."""
    code = translation.get_language() or ENGLISH
    return ENGLISH if code.startswith(ENGLISH) else code


# The clocks' words (core/deadlines.py is pure and English): "72 hours",
# "180 days" and "4 months" counted with ngettext, so each language has its
# plural forms; the rest as whole phrases.
_NUMBERED = re.compile(r"(\d+) (hours|days|months|years)")
_PHRASES = (gettext_noop("twice a year"), gettext_noop("once a year"))


def _unit(count: int, unit: str) -> str:
    if unit == "hours":
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    if unit == "days":
        return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    if unit == "months":
        return ngettext("%(count)d month", "%(count)d months", count) % {"count": count}
    return ngettext("%(count)d year", "%(count)d years", count) % {"count": count}


def clock_words() -> dict[str, str]:
    """deadlines.WORDS in the active language (identical in English)."""
    words = {}
    for key, text in deadlines.WORDS.items():
        match = _NUMBERED.fullmatch(text)
        words[key] = _unit(int(match[1]), match[2]) if match else _(text)
    return words
