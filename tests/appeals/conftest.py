import pytest
from django.contrib.auth.models import User

from authorizations.accounts.services import user_save
from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.requests.services import request_decide
from authorizations.review.services import exception_criteria
from tests.factories import approvable_case, make_reviewer, overturn_under_two_keys


@pytest.fixture
def second_reviewer(db):
    """The reviewer who decides appeals: not the one who denied."""
    return make_reviewer("reviewer-2", credentials="MD, Hematology and Oncology")


@pytest.fixture
def denied(prescriber, reviewer, submit, django_capture_on_commit_callbacks):
    """A request the first reviewer denied (alcohol counseling not attested)."""
    prescriber.email = "prescriber@htc.example"
    user_save(prescriber, by=None)
    req = submit(prescriber, approvable_case(member_id="M-APPEAL-1",
                                             attest_alcohol_counseling=False))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False,
                       rationale="Counseling on alcohol is not documented.")
    req.refresh_from_db()
    return req


@pytest.fixture
def file_appeal(prescriber, django_capture_on_commit_callbacks):
    def _file(req, *, expedited=False, as_of=None, by=None):
        with django_capture_on_commit_callbacks(execute=True):
            return appeal_file(
                by=by or prescriber, req=req, statement="Counseling was given on 2026-10-20.",
                expedited=expedited, expedited_reason="Surgery scheduled" if expedited else "",
                representative=True, as_of=as_of)

    return _file


@pytest.fixture
def decide_appeal(django_capture_on_commit_callbacks):
    """Decide `appeal` as `by`. An overturn past unmet criteria (the denied
    fixture's alcohol counseling) goes under two keys: `by` asks for the
    exception and a third reviewer, who took no part, signs it; the decision
    is in `by`'s name either way."""

    def _decide(appeal, by, *, overturn, rationale="Reviewed the clinic note.", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            if overturn and exception_criteria(appeal.request):
                signer = User.objects.filter(username="third-key").first() or make_reviewer(
                    "third-key", credentials="MD, Hematology")
                return overturn_under_two_keys(appeal, first=by, second=signer,
                                               rationale=rationale)
            return appeal_decide(by=by, appeal=appeal, overturn=overturn,
                                 rationale=rationale, **kwargs)

    return _decide
