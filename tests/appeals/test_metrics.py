""""Approved after appeal" among the operations figures: counted once (not
also as approved after review), small cells suppressed, few queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.operations import metrics
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from tests.factories import approvable_case, make_reviewer, overturn_under_two_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_letters(quick_letters):
    """Letters without WeasyPrint here."""


def appealed(prescriber, reviewer, second_reviewer, n, *, overturn=True):
    """`n` denials (alcohol counseling not attested), appealed and decided by
    `second_reviewer`; an overturn past the unmet criterion under two keys."""
    third = make_reviewer("third-key") if overturn else None
    for i in range(n):
        case = approvable_case(member_id=f"UHC-9{i:08d}", attest_alcohol_counseling=False,
                               date_of_birth=(date(1960, 1, 1) + timedelta(days=41 * i))
                               .isoformat())
        req = request_submit(by=prescriber, req=request_save_draft(
            by=prescriber, req=request_create(by=prescriber,
                                              htc=prescriber.prescriber.htc),
            answers=case, step="review")).request
        request_decide(by=reviewer, req=req, approve=False, rationale="No.")
        appeal = appeal_file(by=prescriber, req=req, statement="Why.",
                             expedited=False, representative=True)
        if overturn:
            overturn_under_two_keys(appeal, first=second_reviewer, second=third,
                                    rationale="Reviewed.")
        else:
            appeal_decide(by=second_reviewer, appeal=appeal, overturn=False,
                          rationale="Reviewed.")


def figure(m, key):
    return next(f for f in m.figures if f.key == key)


def test_approved_after_appeal_is_counted_once(prescriber, reviewer, second_reviewer):
    appealed(prescriber, reviewer, second_reviewer, 11)
    today = timezone.localdate()
    m = metrics.compute(today, today)
    assert figure(m, "approved_after_appeal").value == 11
    assert figure(m, "approved_after_appeal").label == "Approved after appeal"
    assert figure(m, "approved_after_review").suppressed  # none: counted after appeal
    assert figure(m, "denied").suppressed  # none left denied
    assert ["Approved after appeal", "approved_after_appeal", "11"] == \
        m.csv_rows()[[r[1] for r in m.csv_rows()].index("approved_after_appeal")][:3]


def test_a_small_count_after_appeal_is_suppressed_and_the_queries_stay_few(
        prescriber, reviewer, second_reviewer, django_assert_max_num_queries):
    appealed(prescriber, reviewer, second_reviewer, 2)
    today = timezone.localdate()
    with django_assert_max_num_queries(8):
        m = metrics.compute(today, today)
    assert figure(m, "approved_after_appeal").suppressed
    assert figure(m, "approved_after_appeal").text == "fewer than 11"
