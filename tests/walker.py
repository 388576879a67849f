"""Drives the wizard through Django's test client, step by step. A plain
module, imported by the tests that need it."""

import re

from tests.factories import (
    REPORT_KINDS,
    login,  # noqa: F401 (re-exported for the wizard tests)
)
from tests.files import pdf_bytes, post_document


def step_post_data(step, case, *, prefix):
    """The POST a person filling `step` with the JSON `case` would send."""
    from authorizations.policy import QUESTION_BY_KEY
    from authorizations.requests.wizard import STEPS
    from authorizations.requests.wizard.forms import FIX_UNIT_PERCENT, raw_value

    form_class = dict(STEPS)[step]
    data = {f"{prefix}-current_step": step}
    for key in form_class.keys:
        if case.get(key) is not None:
            data[f"{step}-{key}"] = raw_value(QUESTION_BY_KEY[key], case[key])
    if step == "diagnosis":
        data[f"{step}-fix_activity_unit"] = FIX_UNIT_PERCENT
    if step == "review":
        data[f"{step}-expedited"] = "no"
    return data


class Walker:
    """Drives the wizard through the test client, step by step. On reaching
    the review step it uploads the two reports the policy asks for through
    the documents page, as a prescriber would before submitting (without
    them a submission is flagged documentation_missing and goes to a
    reviewer); `reports=False` leaves them out."""

    def __init__(self, client, *, reports=True):
        self.client = client
        self.url = "/requests/new/"
        self.pk = None
        self.reports_due = reports
        self.page = client.get(self.url)
        assert self.page.status_code == 200

    @property
    def prefix(self):
        return f"request_{self.pk or 'new'}"

    @property
    def step(self):
        return self.page.context["wizard"]["steps"].current

    def post(self, data):
        return self.client.post(self.url, data)

    def submit_step(self, case, **extra):
        """Post the current step; follow the redirect to the next page."""
        data = {**step_post_data(self.step, case, prefix=self.prefix), **extra}
        response = self.post(data)
        assert response.status_code == 302, response.context["wizard"]["form"].errors
        self.follow(response.url)
        return response

    def follow(self, url):
        self.url = url
        if "/edit/" in url:
            self.pk = int(url.split("/")[2])
        self.page = self.client.get(url)
        # The Content-Security-Policy allows no inline script or style.
        html = self.page.content.decode()
        assert "style=" not in html and "<style" not in html
        assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
        if self.page.status_code == 302:
            self.follow(self.page.url)
        elif self.reports_due and self.page.status_code == 200 and self.step == "review":
            self.attach_reports()

    def attach_reports(self):
        """Upload the factor IX lab report and the AAV5 antibody report to the
        draft, then show the review step again."""
        self.reports_due = False
        req = self.request()
        for kind in REPORT_KINDS:
            response = post_document(self.client, req, f"{kind}.pdf", pdf_bytes(), kind=kind)
            assert response.status_code == 302, response.content.decode()[:500]
        self.follow(self.url)

    def walk_to(self, stop_step, case):
        """Answer every step with `case` until `stop_step` is shown."""
        seen = []
        while self.step != stop_step:
            seen.append(self.step)
            self.submit_step(case)
        return seen

    def request(self):
        from authorizations.models import AuthorizationRequest

        return AuthorizationRequest.objects.get(pk=self.pk)
