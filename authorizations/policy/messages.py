"""The software's own words in the policy package, marked for translation
without Django (issue 21): the findings the evaluator writes, the
documentation that could resolve each criterion, and the criteria's short
names. The policy's own words (Criterion.text, .exclusion, the documents'
policy_words) are quotations and are never marked: letters quote them in
English in every language.

`gettext_noop` is the marker Django's makemessages already looks for
(xgettext --keyword=gettext_noop), so each marked literal becomes a msgid of
authorizations/locale/<language>/LC_MESSAGES/django.po. Here it returns the
message unchanged (the engine's output stays English, as the data dictionary
fixes it) and records it in MESSAGES, the one list of everything this
package can say in its own words: letters/findings.py looks a stored
English finding up there and translates it in the letter's language.

A finding with values in it is a template, "age %(age)s on %(on)s is under
18", filled by `say`: the template is the msgid, the values are filled in
again in the letter's language. Values are written as the letters write
them in every language (numbers exact, as `values.plain` and `scientific`
give them, never rounded); the one date placeholder, `on`, is a long date
(`values.long_date`) and is written again as a letter date.
"""

from __future__ import annotations

# Every message marked in this package, in the order marked (at import).
MESSAGES: dict[str, None] = {}

# Placeholders that hold a date written by values.long_date ("November 28, 2026").
DATE_PLACEHOLDERS = frozenset({"on"})


def gettext_noop(message: str) -> str:
    """Mark `message` for the catalogue; return it unchanged."""
    MESSAGES.setdefault(message, None)
    return message


def say(template: str, **values: object) -> str:
    """A finding from its template and values (the English the engine returns)."""
    return template % values


def is_template(message: str) -> bool:
    return "%(" in message


# rules.py's answer left unanswered (a question that was not asked: drafts only).
NOT_ANSWERED = gettext_noop("%(answer)s not answered")
# evaluation.py's reason for severity when the diagnosis is not hemophilia B.
NOT_APPLICABLE = gettext_noop("Not applicable: the diagnosis is not hemophilia B")
