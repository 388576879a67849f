from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations import services
from tests.cases import case_tested_on


def today():
    return timezone.localdate()


@pytest.fixture
def approve(prescriber):
    """An approved request (with its active authorization) submitted today."""

    def _approve(member_id="TRT-0001", user=None, as_of=None, **changes):
        user = user or prescriber
        as_of = as_of or today()
        tested = (as_of - timedelta(days=10)).isoformat()
        req = services.request_create(by=user, htc=user.prescriber.htc)
        services.request_save_draft(by=user, req=req, step="review",
                                    answers=case_tested_on(tested, member_id=member_id,
                                                           **changes))
        services.request_submit(by=user, req=req, as_of=as_of)
        req.refresh_from_db()
        return req

    return _approve


def infusion_data(day, **changes):
    from decimal import Decimal
    data = {"infused_on": day, "lots": ["L123", "L124"], "weight_kg": Decimal("72"),
            "dose_gc_per_kg": Decimal("2e13"), "site_name": "Lakeside Infusion Center",
            "site_npi": "1234567893", "baseline_treated_bleeds": 4,
            "baseline_factor_ix_product": "rFIX", "full_dose": True, "fraction_given": None,
            "partial_reason": ""}
    data.update(changes)
    return data


@pytest.fixture
def infused(approve, prescriber):
    """An approved request whose infusion was recorded today."""

    def _infused(member_id="TRT-0002"):
        req = approve(member_id)
        services.infusion_record(by=prescriber, auth=req.authorization,
                                 data=infusion_data(today()))
        req.refresh_from_db()
        return req

    return _infused
