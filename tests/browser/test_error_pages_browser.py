"""The plain 404 and 500 pages (core/errors.py: shown when the static files'
manifest is missing) in Chromium: no axe violations (WCAG 2.1 A/AA), and the
way out reachable by keyboard."""

from __future__ import annotations

import pytest

from authorizations.core.errors import NOT_FOUND, SERVER_ERROR, plain_page
from tests.browsing import AXE_PATH, AXE_RUN, WCAG_TAGS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("words,status", [(NOT_FOUND, 404), (SERVER_ERROR, 500)])
def test_the_plain_error_pages_pass_axe_and_work_by_keyboard(page, words, status):
    page.set_content(plain_page(words, status).content.decode())
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        AXE_RUN, WCAG_TAGS)
    assert [v["id"] for v in result["violations"]] == []
    assert page.locator("h1").inner_text() == words[0]
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Go to your requests"
