"""The API's documentation (Redoc, from the project's static files) in
Chromium: it renders the schema, with no axe violation (WCAG 2.1 A/AA) and
no script or CSP error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_redoc_renders_the_schema_accessibly(browser_page, transactional_db):
    browser_page.goto("/api/v1/docs/")
    page = browser_page.page
    page.get_by_text("/fhir/Claim/$submit").first.wait_for()
    # Redoc's footer links its maker's logo from a CDN: the page's policy blocks
    # it (no outside requests), which is what this error says.
    browser_page.console_errors = [e for e in browser_page.console_errors
                                   if "https://cdn.redoc.ly/" not in e]
    browser_page.check("api-docs")
