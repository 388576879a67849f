"""The member letters' own prose, as the readability test measures it: the
HTML of a member's copy without what the letter quotes or prints but did not
write in its own words (the policy's words, the reviewer's rationale and the
appeal's statement, the policy engine's findings, the taglines in other
languages, tables, names and the letterhead)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Classes whose text is not the letter's own prose.
QUOTED = {"policy-words", "rationale", "rationale-inline", "finding", "tagline-list", "name",
          "letterhead", "meta", "code", "small"}
SKIPPED_TAGS = {"table", "style", "title", "h1", "h2", "head"}
VOID = {"br", "meta", "link", "img", "hr", "input"}


class _Prose(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # whether each open element is skipped
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(tag in SKIPPED_TAGS or bool(classes & QUOTED))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def own_prose(html: str) -> str:
    parser = _Prose()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
