from datetime import timedelta

import pytest

from authorizations.requests.services import request_create, request_save_draft, request_submit
from authorizations.treatment.services import infusion_record
from tests.cases import case_tested_on
from tests.factories import attach_reports
from tests.treatment.helpers import infusion_data, today


@pytest.fixture
def approve(prescriber):
    """An approved request (with its active authorization) submitted today."""

    def _approve(member_id="TRT-0001", user=None, as_of=None, **changes):
        user = user or prescriber
        as_of = as_of or today()
        tested = (as_of - timedelta(days=10)).isoformat()
        req = request_create(by=user, htc=user.prescriber.htc)
        # Planned two weeks ahead: a planned date may not be before the evaluation date.
        planned = (as_of + timedelta(days=14)).isoformat()
        request_save_draft(by=user, req=req, step="review", answers=case_tested_on(
            tested, member_id=member_id, **{"planned_infusion_date": planned, **changes}))
        attach_reports(user, req)
        request_submit(by=user, req=req, as_of=as_of)
        req.refresh_from_db()
        return req

    return _approve


@pytest.fixture
def infused(approve, prescriber):
    """An approved request whose infusion was recorded today."""

    def _infused(member_id="TRT-0002"):
        req = approve(member_id)
        infusion_record(by=prescriber, auth=req.authorization,
                        data=infusion_data(today()))
        req.refresh_from_db()
        return req

    return _infused
