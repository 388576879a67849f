"""Issue 20: outcomes as HOPE-B measured them, on a small follow-up history
whose figures are worked out by hand below.

Eleven patients (the smallest number whose figures are shown), all infused on
day I, 800 days ago:
- follow-up 1, tested on I+182: 3 bleeds, 2 treated (covers days 0-182:
  middle month 3.0, months 0-6, left out of the rates);
- follow-up 2 waived;
- follow-up 3, tested on I+547: 2 bleeds, 1 treated (patient 10: 13 and 12);
  it covers days 182-547 (the waived interval's real days), middle day 364.5
  = month 11.98: months 7-18;
- follow-up 4, tested on I+730: 1 bleed, none treated; days 547-730, middle
  day 638.5 = month 20.98: months 19-30.

Months 7-18: 11 x 365 = 4,015 days = 4,015 / 365.25 years.
  All bleeds 10 x 2 + 13 = 33: 33 x 365.25 / 4,015 = 3.002 -> 3.00 a year.
  Treated 10 x 1 + 12 = 22: 22 x 365.25 / 4,015 = 2.001 -> 2.00 a year.
Months 19-30: 11 x 183 = 2,013 days. All bleeds 11: 11 x 365.25 / 2,013 =
  1.996 -> 2.00 a year; treated 0 -> 0.00.
Lead-in: 6 treated bleeds each, patient 10 17: (60 + 17) / 11 = 7.00 a year.
(The old count, half a year per follow-up, months 0-6 in and treated bleeds
only, read 44 / 16.5 = 2.67 for all of it.)

Factor IX: follow-up 1 one-stage 10, 20, ... 110 %: median 60, range 10 to
110. Follow-up 3 chromogenic 5, 10, ... 55 %, patient 10's taken 14 days
after a factor IX dose (the window is 14 days): left out, 10 results remain,
suppressed. Follow-up 4 one-stage 30 % each, patient 0's 15 days after a
dose: kept, median 30.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from authorizations.models import FollowUp
from authorizations.operations import outcomes
from authorizations.requests.services import request_create, request_save_draft, request_submit
from authorizations.treatment.services import (
    TreatmentError,
    followup_save,
    followup_waive,
    infusion_record,
)
from tests.cases import case_tested_on
from tests.factories import attach_reports, login
from tests.operations.test_outcomes import _dob
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db
BASE = {"factor_ix_iu": 0, "inhibitor_tested": False, "prophylaxis": False,
        "alt_corticosteroids": False}


def infused_long_ago(prescriber, i: int, *, baseline: int):
    approved_on = today() - timedelta(days=802)
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, step="review", answers=case_tested_on(
        (approved_on - timedelta(days=10)).isoformat(), member_id=f"UHC-7{i:08d}",
        date_of_birth=_dob(i)))
    attach_reports(prescriber, req)
    request_submit(by=prescriber, req=req, as_of=approved_on)
    req.refresh_from_db()
    infused_on = approved_on + timedelta(days=2)
    infusion_record(by=prescriber, auth=req.authorization, as_of=infused_on,
                    data=infusion_data(infused_on, baseline_treated_bleeds=baseline))
    return req.authorization, infused_on


def submit(prescriber, auth, number, day, **answers):
    followup_save(by=prescriber, submit=True, answers={
        **BASE, "fix_test_date": day.isoformat(), **answers},
        follow_up=FollowUp.objects.get(authorization=auth, number=number))


def figure(o, key):
    return next(f for f in o.figures if f.key == key)


@pytest.fixture
def history(prescriber, reviewer, settings):
    settings.OUTCOMES_EXOGENOUS_FIX_DAYS = 14
    for i in range(11):
        auth, infused = infused_long_ago(prescriber, i, baseline=17 if i == 10 else 6)
        day = infused + timedelta(days=182)
        submit(prescriber, auth, 1, day, bleeds_total=3, bleeds_treated=2,
               fix_activity=Decimal(10 * (i + 1)), fix_assay="one_stage")
        followup_waive(by=reviewer, reason="Seen elsewhere",
                       follow_up=FollowUp.objects.get(authorization=auth, number=2))
        day = infused + timedelta(days=547)
        submit(prescriber, auth, 3, day, bleeds_total=13 if i == 10 else 2,
               bleeds_treated=12 if i == 10 else 1, fix_activity=Decimal(5 * (i + 1)),
               fix_assay="chromogenic",
               **({"last_factor_ix_date": (day - timedelta(days=14)).isoformat()}
                  if i == 10 else {}))
        day = infused + timedelta(days=730)
        submit(prescriber, auth, 4, day, bleeds_total=1, bleeds_treated=0,
               fix_activity=Decimal(30), fix_assay="one_stage",
               **({"last_factor_ix_date": (day - timedelta(days=15)).isoformat()}
                  if i == 0 else {}))
    return outcomes.compute()


def test_bleeding_rates_over_the_days_covered_by_window_against_the_lead_in(history):
    o = history
    assert figure(o, "abr_baseline_treated").text == "7.00"
    assert figure(o, "abr_patients_7_18").text == "11"
    assert figure(o, "abr_all_7_18").text == "3.00"
    assert figure(o, "abr_treated_7_18").text == "2.00"
    assert figure(o, "abr_all_19_30").text == "2.00"
    assert figure(o, "abr_treated_19_30").text == "0.00"
    # Nobody followed that far yet: suppressed, never zero.
    assert figure(o, "abr_all_55_60").suppressed and figure(o, "abr_all_55_60").value is None


def test_factor_ix_by_assay_leaving_out_results_soon_after_a_factor_ix_dose(history):
    o = history
    assert figure(o, "fix_median_one_stage_6").text == "60 %"
    assert figure(o, "fix_range_one_stage_6").text == "10 to 110 %"
    assert figure(o, "fix_median_chromogenic_6").suppressed
    assert figure(o, "fix_patients_chromogenic_18").base == 10
    assert figure(o, "fix_median_chromogenic_18").suppressed
    assert figure(o, "fix_left_out_18").base == 1
    assert figure(o, "fix_left_out_24").base == 0  # 15 days: outside the window
    assert figure(o, "fix_median_one_stage_24").text == "30 %"
    # Figures to 60 months.
    assert figure(o, "fix_patients_one_stage_60").base == 0


def test_the_page_names_the_window(history, client, reviewer):
    page = login(client, reviewer).get("/operations/outcomes/").content.decode()
    assert "14 days or fewer after a dose of factor IX product" in page
    assert "OUTCOMES_EXOGENOUS_FIX_DAYS" in page
    assert "Months 7-18" in page and "60 months" in page


def test_a_date_before_the_infusion_is_refused_naming_the_field(prescriber):
    auth, infused = infused_long_ago(prescriber, 0, baseline=0)
    for key in ("fix_test_date", "prophylaxis_start"):
        with pytest.raises(TreatmentError, match="before the infusion") as refused:
            followup_save(by=prescriber, follow_up=FollowUp.objects.get(
                authorization=auth, number=1),
                answers={key: (infused - timedelta(days=1)).isoformat()})
        assert refused.value.field == key
    # A factor IX dose before the test may precede the infusion.
    followup_save(by=prescriber, follow_up=FollowUp.objects.get(authorization=auth, number=1),
                  answers={"last_factor_ix_date": (infused - timedelta(days=3)).isoformat()})
