"""What one letter's render can hand to the next (issue 21, render time):
WeasyPrint's fonts, the letters' parsed stylesheet and a lighter user-agent
stylesheet, kept for the process's life; the insert after every letter's own
pages, rendered once for its words; and a letter's JSON files, serialized once
for both its copies.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pikepdf
from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint import html as weasyprint_html
from weasyprint.text.fonts import FontConfiguration

from authorizations.fhir.bundle import letter_attachments, letter_files
from authorizations.models import Determination

# Per thread: Pango's font map is not for two threads at once (runserver
# renders in threads), and a letter pair is rendered in one thread.
_local = threading.local()


def font_config() -> FontConfiguration:
    """The fonts WeasyPrint found, for every render in this thread: a new
    configuration reads fontconfig's list of every installed font again, loads
    each font a letter uses again and adds the taglines' @font-face fonts
    again, a sixth of a letter's render time."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def stylesheet() -> CSS:
    """templates/letters/letter_sheet.css, parsed once for this thread's
    renders (4 ms a letter), its @font-face fonts added to font_config()'s."""
    sheet = getattr(_local, "stylesheet", None)
    if sheet is None:
        sheet = _local.stylesheet = CSS(
            filename=settings.BASE_DIR / "templates" / "letters" / "letter_sheet.css",
            base_url=str(settings.BASE_DIR), font_config=font_config())
    return sheet


# WeasyPrint's own user-agent stylesheet less the rules no letter uses, each of
# which costs every render: the footnote and note pseudo-elements (a style
# computed for each of six per element, about 700 a letter, none displayed:
# no letter has a footnote or note), and the page-margin boxes other than the
# bottom ones the footer uses (a style each, on every page). About 5 ms of a
# pended letter's 110 ms layout; the pages print the same (pdftoppm compared).
_UNUSED_UA_RULES = re.compile(
    r"^(::(footnote|note)-[a-z]+"
    r"|  @(footnote|note-area|top-[a-z-]+|left-[a-z]+|right-[a-z]+|bottom-[a-z]+-corner))"
    r" +\{[^}\n]*\}\n", re.MULTILINE)
_ua_sheet: CSS | None = None


def _letter_ua_stylesheet() -> CSS:
    global _ua_sheet
    if _ua_sheet is None:
        # Read-only once parsed, as WeasyPrint's own UA_STYLESHEET is: one for
        # every thread (two threads may both parse it once; either serves).
        text, removed = _UNUSED_UA_RULES.subn("", weasyprint_html.UA)
        # Another WeasyPrint release may word its stylesheet otherwise: then
        # its own, unchanged (slower, never different).
        _ua_sheet = (CSS(string=text, counter_style=weasyprint_html.UA_COUNTER_STYLE)
                     if removed == 20 else weasyprint_html.UA_STYLESHEET)
    return _ua_sheet


class LetterHTML(HTML):
    """A letter's HTML, laid out with _letter_ua_stylesheet() as the
    user-agent stylesheet (WeasyPrint's own hook for it, which its test
    suite overrides the same way)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [_letter_ua_stylesheet()] if not forms else super()._ua_stylesheets(forms)


# Inserts kept per thread: one for each set of words a deployment prints (the
# letter's language, the copy's voice, the configured phone number), a few.
INSERTS_KEPT = 16


def insert(html: str, render: Callable[[str], bytes]) -> pikepdf.Pdf:
    """The insert after a letter's own pages (templates/letters/insert.html:
    language help, auxiliary aids, the nondiscrimination notice and the
    taglines), rendered by `render` once for each text and thread and opened
    for pdf_tags.finish to append. It holds nothing of the member or the
    request, so the same words are the same page: laying it out was more than
    a quarter of a letter's render time. Read only, never changed (copied from)."""
    inserts = getattr(_local, "inserts", None)
    if inserts is None:
        inserts = _local.inserts = {}
    key = hashlib.sha256(html.encode()).digest()
    pdf = inserts.get(key)
    if pdf is None:
        if len(inserts) >= INSERTS_KEPT:
            inserts.clear()
        pdf = inserts[key] = pikepdf.Pdf.open(io.BytesIO(render(html)))
    return pdf


@contextmanager
def files_shared() -> Iterator[None]:
    """Inside this, both copies of a determination's letter carry the same
    JSON files, serialized for the first (fhir/bundle.py letter_files: the
    same decision and answers, a sixth of a render's time)."""
    _local.files = {}
    try:
        yield
    finally:
        _local.files = None


def attachments(determination: Determination) -> list[Any]:
    """The determination's JSON files as attachments for one PDF."""
    shared = getattr(_local, "files", None)
    if shared is None:
        return letter_attachments(determination)
    if determination.pk not in shared:
        shared[determination.pk] = letter_files(determination)
    return letter_attachments(determination, shared[determination.pk])
