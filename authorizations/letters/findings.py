"""The engine's own words in a member's letter, in the letter's language
(issue 21): the findings (why a criterion is not met), the documentation
that could resolve it and the criteria's names. The policy package marks
them (policy/messages.py) and returns English; the stored trace keeps that
English, so a letter looks each stored text up among the policy's messages
and translates it here, where the letter renders. Nothing is stored twice:
the catalogue is authorizations/locale/<language>/LC_MESSAGES/django.po.

A finding is one or more parts joined by "; ", its first letter capitalized
(evaluation._sentence). Each part is either a message as it is, or a
template ("age %(age)s on %(on)s is under 18") whose values are read back
from the English and written again in the letter's language: a date as a
letter date, any other value (numbers as the engine wrote them, exact) as
it is.

The policy's own words (a criterion's text, its exclusion) are quotations
and are never translated. Whatever cannot be read back (a trace stored
before a wording changed) stays English, and the letter marks it lang="en":
`translate` says which it is.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import NamedTuple

from django.utils.translation import gettext as _

from authorizations.core.formats import letter_date
from authorizations.letters import language
from authorizations.policy import messages

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_LONG_DATE = "(?:" + "|".join(_MONTHS) + r") \d{1,2}, \d{4}"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


class Words(NamedTuple):
    text: str
    translated: bool  # False: the English as stored, to be marked lang="en"


def pattern(template: str) -> re.Pattern[str]:
    """A regular expression that reads a template's values back from its English."""
    out, seen, at = [], set(), 0
    for match in _PLACEHOLDER.finditer(template):
        out.append(re.escape(template[at:match.start()]))
        name = match[1]
        if name is None:
            out.append("%")
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            seen.add(name)
            value = _LONG_DATE if name in messages.DATE_PLACEHOLDERS else ".+?"
            out.append(f"(?P<{name}>{value})")
        at = match.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out))


@functools.cache
def _patterns(templates: frozenset[str]) -> list[tuple[re.Pattern[str], str]]:
    # Longest first: a more specific template wins over "%(answer)s not answered".
    return [(pattern(t), t) for t in sorted(templates, key=lambda t: (-len(t), t))]


def _value(name: str, text: str) -> str:
    if name in messages.DATE_PLACEHOLDERS:
        month, day, year = text.replace(",", "").split()
        return letter_date(date(int(year), _MONTHS.index(month) + 1, int(day)))
    return text


def _part(text: str) -> str | None:
    """One part in the active language, or None when it is not a policy message.
    (Every policy message has its translation: tests/letters/test_spanish_findings.py.)"""
    if text in messages.MESSAGES and not messages.is_template(text):
        return _(text)
    templates = frozenset(m for m in messages.MESSAGES if messages.is_template(m))
    for regex, template in _patterns(templates):
        match = regex.fullmatch(text)
        if match:
            return _(template) % {name: _value(name, value)
                                  for name, value in match.groupdict().items()}
    return None


def translate(text: str) -> Words:
    """A finding, a documentation item or a criterion's name, as the engine
    wrote it, in the letter's language (unchanged in English)."""
    if not text or language.current() == language.ENGLISH:
        return Words(text, False)
    out = []
    for index, part in enumerate(text.split("; ")):
        candidates = [part]
        if index == 0 and part[:1].isupper():  # evaluation._sentence capitalized it
            candidates.append(part[:1].lower() + part[1:])
        found = next((t for t in map(_part, candidates) if t is not None), None)
        if found is None:
            return Words(text, False)
        out.append(found)
    joined = "; ".join(out)
    return Words(joined[:1].upper() + joined[1:], True)
