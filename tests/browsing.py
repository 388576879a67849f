"""A prescriber's browser for the Playwright tests: log in, fill a step from a
JSON case, continue, and check each page with axe-core (WCAG 2.1 A/AA) and a
screenshot. A plain module, imported by the browser tests and their fixtures."""

import json
import os
from pathlib import Path

from authorizations.policy import QUESTION_BY_KEY
from authorizations.requests.wizard import STEPS
from authorizations.requests.wizard.forms import FIX_UNIT_PERCENT, raw_value
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe-core over the whole page with the WCAG 2.1 A/AA rules. Only violations
# are read: resultTypes spares axe collecting every passing node (its own
# advice for speed; a violation is reported in full either way).
AXE_RUN = ("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
           "resultTypes: ['violations']})")
FORMS = dict(STEPS)


def screenshots_wanted() -> bool:
    """`pytest --screenshots` (tests/conftest.py): pictures of the pages to look at."""
    return os.environ.get("HEMGENIX_SCREENSHOTS") == "1"


class Browser:
    """One page with helpers: axe checks, screenshots, console errors."""

    def __init__(self, page, base_url, axe_source, name):
        self.page = page
        self.base_url = base_url
        self.axe_source = axe_source
        self.name = name
        self.shots = 0
        self.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(
            msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def goto(self, path):
        self.page.goto(self.base_url + path)

    def check(self, label, *, status=200):
        """axe on the current page (zero WCAG 2.1 A/AA violations), no script or
        CSP error in the console, and a screenshot."""
        page = self.page
        self.settle()
        if not page.evaluate("() => Boolean(window.axe)"):
            # page.evaluate is not subject to the page's CSP; a <script> tag would be.
            page.evaluate(self.axe_source)
        result = page.evaluate(
            AXE_RUN, WCAG_TAGS)
        violations = [{"id": v["id"], "help": v["help"],
                       "nodes": [n["html"][:200] for n in v["nodes"][:5]]}
                      for v in result["violations"]]
        assert violations == [], f"{label}: {json.dumps(violations, indent=1)}"
        if status != 200:  # the browser logs the page's own status as an error
            self.console_errors = [e for e in self.console_errors if f"status of {status}" not in e]
        assert self.console_errors == [], f"{label}: {self.console_errors}"
        assert page.locator("h1").count() == 1, label
        assert page.locator("html").get_attribute("lang") == "en"
        self.screenshot(label)

    def check_admin(self, label):
        """check() for an admin page. The console is read before axe runs
        (axe's own checks may set style attributes, which the CSP blocks). A
        404 there fails too, now that the admin links its icon."""
        assert self.console_errors == [], f"{label}: {self.console_errors}"
        self.console_errors = []
        page = self.page
        self.settle()
        if not page.evaluate("() => Boolean(window.axe)"):
            page.evaluate(self.axe_source)
        result = page.evaluate(
            AXE_RUN, WCAG_TAGS)
        violations = [(v["id"], [n["html"][:200] for n in v["nodes"][:5]])
                      for v in result["violations"]]
        assert violations == [], f"{label}: {violations}"
        assert page.locator("h1").count() == 1, label
        self.screenshot(label)
        self.console_errors = []

    def settle(self):
        """Wait for the page a click led to, its stylesheets applied: a click
        returns once the navigation starts, and axe run on a page still
        loading read the header's button unstyled (white on the browser's
        grey button face)."""
        self.page.wait_for_load_state("load")

    def screenshot(self, label):
        if not screenshots_wanted():
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png",
                             full_page=True)

    def sign_in_as(self, user):
        """Be `user` in this browser without the login form (a reviewer, for
        the admin): a session made by Django's test client, as its cookie."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        # Leave the page first: a response still in flight from the last user's
        # page (every response renews the session cookie: the idle timeout)
        # would otherwise put their cookie back after this one (seen: a journey
        # that switched reviewers still saw the first one, now and then).
        self.page.goto("about:blank")
        self.page.context.clear_cookies()
        self.page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": self.base_url}])

    def login(self, username):
        self.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/requests/")

    @property
    def step(self):
        return self.page.locator("input[name$='-current_step']").input_value()

    def fill_step(self, case, **extra):
        """Answer the current step with the JSON `case`, by mouse-free clicks."""
        step = self.step
        page = self.page
        for key in FORMS[step].keys:
            if case.get(key) is None:
                continue
            q = QUESTION_BY_KEY[key]
            raw = raw_value(q, case[key])
            if raw == "on":  # an attestation: a statement ticked
                page.check(f'input[name="{step}-{key}"]')
            elif q.kind in ("bool", "choice"):
                page.check(f'input[name="{step}-{key}"][value="{raw}"]')
            elif raw:
                page.fill(f'[name="{step}-{key}"]', raw)
            if key == "fix_activity_percent":
                page.check(f'input[name="{step}-fix_activity_unit"][value="{FIX_UNIT_PERCENT}"]')
        for name, value in extra.items():
            locator = page.locator(f'[name="{step}-{name}"]')
            if locator.first.get_attribute("type") == "radio":
                page.check(f'input[name="{step}-{name}"][value="{value}"]')
            else:
                locator.fill(value)

    def continue_(self):
        button = "Submit request" if self.step == "review" else "Save and continue"
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()
