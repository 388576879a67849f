"""`manage.py outbox`, which the deploy smoke waits on: what waits for the
worker (ids and kinds only), the notices sent by name, and a bounded wait
that fails while a job still waits."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from authorizations.letters import delivery
from authorizations.management.commands import outbox
from authorizations.requests.services import request_decide
from tests.factories import approvable_case, submitted_request

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def test_it_reports_what_waits_fails_a_bounded_wait_then_counts_the_notices_sent(
        prescriber, reviewer, monkeypatch):
    monkeypatch.setattr(outbox, "POLL_SECONDS", 0.01)
    prescriber.email = "prescriber@htc.example"
    prescriber.save()
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    waiting = json.loads(run("--json"))["waiting"]
    assert [(j["kind"], j["notice"]) for j in waiting] == [
        ("letter", ""), ("letter", ""), ("notice", "decided")]
    with pytest.raises(CommandError, match=r"3 job\(s\) still waiting after 0.05 s: #\d+ letter"):
        run("--wait", "0.05")
    text = run()
    assert text.startswith("3 job(s) waiting; 0 email notice(s) sent: none")
    assert req.patient_name not in text and req.member_id not in text

    delivery.drain()  # the worker
    report = json.loads(run("--wait", "5", "--json"))
    assert report == {"waiting": [], "notices_sent": {"decided": 1}, "emails_sent": 1}
    assert run() == "0 job(s) waiting; 1 email notice(s) sent: decided 1\n"

