"""One treatment per lifetime when two approvals for one member race.

Only PostgreSQL shows the race: SQLite serializes every writer, so the two
transactions never overlap there.
"""

import threading

import pytest
from django.db import connection

from authorizations.letters import rendering as letters
from authorizations.models import Authorization, AuthorizationRequest, Status
from authorizations.requests import facts
from authorizations.requests.services import LifetimeLimitReached, request_decide, request_submit
from tests import factories
from tests.factories import approvable_case

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: concurrent transactions and row locks"),
    pytest.mark.django_db(transaction=True),
]

MEMBER = "M-RACE-1"
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _quick_letters(monkeypatch):
    # Letters render on commit in each thread; what they say is tested elsewhere.
    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 race")


def pending_request(user, **changes) -> AuthorizationRequest:
    """A submitted request waiting for a reviewer: every criterion met, but
    its reports are not attached (documentation_missing), so one reviewer may
    approve it (past an unmet criterion would take two keys)."""
    req = factories.draft_request(user, approvable_case(member_id=MEMBER, **changes))
    request_submit(by=user, req=req)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    return req


def draft_request(user, **changes) -> AuthorizationRequest:
    """A draft that the wizard's submit approves at once: its reports attached."""
    req = factories.draft_request(user, approvable_case(member_id=MEMBER, **changes))
    factories.attach_reports(user, req)
    return req


def race(monkeypatch, *, evaluated_together: bool, **contenders):
    """Run each contender in its own thread, released at once by a barrier.

    With `evaluated_together`, each waits after its criteria check until the
    other has checked too: both saw no authorization for the member, and only
    the database's unique constraint can stop the second.
    """
    start = threading.Barrier(len(contenders), timeout=TIMEOUT)
    if evaluated_together:
        checked = threading.Barrier(len(contenders), timeout=TIMEOUT)
        evaluate = facts.evaluate_request

        def evaluate_then_wait(req, **kwargs):
            evaluation = evaluate(req, **kwargs)
            checked.wait()
            return evaluation

        monkeypatch.setattr(facts, "evaluate_request", evaluate_then_wait)
    results = {}

    def run(name, action):
        try:
            start.wait()
            results[name] = action()
        except Exception as exc:  # noqa: BLE001 - the loser's exception is a result
            results[name] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=item) for item in contenders.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.parametrize("evaluated_together", [True, False])
def test_wizard_submit_and_admin_approve_at_once_give_one_authorization(
        prescriber, reviewer, monkeypatch, evaluated_together):
    in_review = pending_request(prescriber)
    draft = draft_request(prescriber)

    results = race(
        monkeypatch, evaluated_together=evaluated_together,
        wizard=lambda: request_submit(by=prescriber, req=draft),
        admin=lambda: request_decide(by=reviewer, req=in_review, approve=True,
                                     rationale="Reports reviewed in the HTC record."),
    )

    assert Authorization.objects.filter(member_id=MEMBER).count() == 1
    winner = Authorization.objects.get(member_id=MEMBER).request
    wizard_result = results["wizard"]
    assert not isinstance(wizard_result, Exception), wizard_result
    draft.refresh_from_db()
    in_review.refresh_from_db()
    if winner.pk == draft.pk:
        assert draft.status == Status.APPROVED
        assert isinstance(results["admin"], LifetimeLimitReached)
        assert "one treatment per lifetime" in str(results["admin"])
        loser = in_review
    else:
        assert in_review.status == Status.APPROVED
        assert not isinstance(results["admin"], Exception), results["admin"]
        loser = draft
    assert loser.status == Status.PENDING_REVIEW
    assert "lifetime_limit" in loser.unmet
    assert loser.determinations.latest().trace[
        [row["id"] for row in loser.determinations.latest().trace].index("lifetime_limit")
    ]["status"] == "not_met"


def test_two_reviewers_approving_at_once_give_one_authorization(prescriber, reviewer,
                                                                monkeypatch):
    from tests.factories import make_reviewer

    colleague = make_reviewer(username="reviewer-2")
    first = pending_request(prescriber)
    second = pending_request(prescriber)

    results = race(
        monkeypatch, evaluated_together=True,
        one=lambda: request_decide(by=reviewer, req=first, approve=True,
                                   rationale="Reports reviewed."),
        two=lambda: request_decide(by=colleague, req=second, approve=True,
                                   rationale="Reports reviewed."),
    )

    assert Authorization.objects.filter(member_id=MEMBER).count() == 1
    refused = [name for name, result in results.items()
               if isinstance(result, LifetimeLimitReached)]
    assert len(refused) == 1, results
    statuses = sorted(AuthorizationRequest.objects.filter(member_id=MEMBER)
                      .values_list("status", flat=True))
    assert statuses == [Status.APPROVED, Status.PENDING_REVIEW]
