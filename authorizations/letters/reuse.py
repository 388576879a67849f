"""What one letter's render can hand to the next (issue 21, render time):
WeasyPrint's fonts and the letters' parsed stylesheet, kept for the process's
life, and a letter's JSON files, serialized once for both its copies.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from weasyprint import CSS
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
