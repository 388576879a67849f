"""The outcomes page: aggregates after treatment, cells under 11 patients
suppressed, "<N" lab results kept as below N, reviewers and operations staff
only, no patient data, and a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from authorizations.models import FollowUp
from authorizations.operations import outcomes
from authorizations.operations.services import user_create_operations
from authorizations.policy.values import LabValue
from authorizations.requests.services import request_create, request_save_draft, request_submit
from authorizations.treatment.services import followup_save, infusion_record
from tests.cases import case_tested_on
from tests.factories import attach_reports, login
from tests.phi import PATIENT, phi_forms
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db

URL = "/operations/outcomes/"


def _dob(i: int) -> str:
    return (date(1960, 1, 1) + timedelta(days=37 * i)).isoformat()


def treat(prescriber, i: int, *, baseline: int = 4, **case_changes):
    """An approved request, its infusion recorded today, through the services."""
    day = today()
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    changes = {"member_id": f"UHC-6{i:08d}", "date_of_birth": _dob(i), **case_changes}
    request_save_draft(by=prescriber, req=req, step="review", answers=case_tested_on(
        (day - timedelta(days=10)).isoformat(), **changes))
    attach_reports(prescriber, req)
    request_submit(by=prescriber, req=req, as_of=day)
    req.refresh_from_db()
    infusion_record(by=prescriber, auth=req.authorization,
                    data=infusion_data(day, baseline_treated_bleeds=baseline))
    return req


def submit_follow_up(prescriber, req, number, **answers):
    fu = FollowUp.objects.get(authorization=req.authorization, number=number)
    base = {"fix_test_date": today().isoformat(), "fix_assay": "one_stage",
            "bleeds_total": 1, "bleeds_treated": 1,
            "factor_ix_iu": 0, "inhibitor_tested": False, "prophylaxis": False,
            "alt_corticosteroids": False}
    followup_save(by=prescriber, follow_up=fu, answers={**base, **answers},
                  submit=True)


def figure(o, key):
    return next(f for f in o.figures if f.key == key)


def lab(text):
    return LabValue(Decimal(text[1:]), below=True) if text.startswith("<") \
        else LabValue(Decimal(text))


def test_median_and_range_on_known_values():
    values = [lab(v) for v in ("30", "<1", "5", "12", "1")]
    assert str(outcomes.lab_median(values)) == "5"
    low, high = outcomes.lab_range(values)
    assert (str(low), str(high)) == ("<1", "30")
    # Even count: the mean of the two middle results.
    assert str(outcomes.lab_median([lab(v) for v in ("4", "10", "2", "20")])) == "7"
    # "<N" sorts just below N; a median resting on it is an upper bound.
    assert str(outcomes.lab_median([lab(v) for v in ("<1", "<1", "3", "5")])) == "<2"
    assert str(outcomes.lab_median([lab(v) for v in ("1", "<1", "1")])) == "1"
    # "<5" sorts at 5, above 2: the median printed, 2, is at most the true one's bound.
    assert str(outcomes.lab_median([lab(v) for v in ("<5", "<1", "2")])) == "2"
    assert outcomes.lab_median([]) is None and outcomes.lab_range([]) is None


def test_fewer_than_11_patients_every_cell_suppressed(prescriber, reviewer, client):
    for i in range(3):
        req = treat(prescriber, i)
        submit_follow_up(prescriber, req, 1, fix_activity=Decimal(20))
    o = outcomes.compute(today() + timedelta(days=400))
    assert all(f.suppressed for f in o.figures)
    page = login(client, reviewer).get(URL).content.decode()
    assert page.count("fewer than 11") >= len(o.figures)
    assert "20 %" not in page


def test_the_figures_with_12_patients(prescriber, reviewer, client, django_assert_num_queries):
    reqs = [treat(prescriber, i, baseline=i) for i in range(12)]
    start = (today() + timedelta(days=61)).isoformat()
    for i, req in enumerate(reqs):
        # 6 months: "<1" for one patient, then 10, 20 ... 110.
        submit_follow_up(prescriber, req, 1, fix_activity="<1" if i == 0 else Decimal(10 * i),
                         bleeds_treated=1 if i < 6 else 0,
                         prophylaxis=i < 11, **({"prophylaxis_start": start,
                                                 "prophylaxis_agent": "rFIX"} if i < 11 else {}))
        # 12 months: eleven "<1" and one 40.
        submit_follow_up(prescriber, req, 2, fix_activity=Decimal(40) if i == 0 else "<1",
                         bleeds_treated=0)
    with django_assert_num_queries(2):
        o = outcomes.compute(today() + timedelta(days=200))
    assert figure(o, "patients_treated").text == "12"
    assert figure(o, "fix_patients_one_stage_6").text == "12"
    assert figure(o, "fix_median_one_stage_6").text == "55 %"
    assert figure(o, "fix_range_one_stage_6").text == "<1 to 110 %"
    assert figure(o, "fix_below_one_stage_6").suppressed  # one patient
    assert figure(o, "fix_median_one_stage_12").text == "<1 %"
    assert figure(o, "fix_range_one_stage_12").text == "<1 to 40 %"
    assert figure(o, "fix_below_one_stage_12").text == "11"
    assert figure(o, "fix_median_one_stage_18").suppressed  # nobody yet
    # The lead-in: baselines 0..11, mean 5.5 (the rates after are
    # test_outcomes_trial.py's: these follow-ups cover no days).
    assert figure(o, "abr_baseline_treated").text == "5.50"
    assert figure(o, "abr_treated_7_18").suppressed
    assert figure(o, "prophylaxis_patients").text == "11"
    assert figure(o, "prophylaxis_months").text == "2.0 months"
    # Due by then: follow-up 1 of each patient (follow-up 2 is a year away).
    assert figure(o, "followups_due").text == "12"
    assert figure(o, "followups_submitted").text == "12"
    assert figure(o, "followups_waived").suppressed
    assert figure(o, "followups_complete_percent").text == "100.0 %"

    page = login(client, reviewer).get(URL).content.decode()
    assert "55 %" in page and "&lt;1 to 110 %" in page and "<svg" in page
    assert 'href="/operations/"' in page


def test_no_patient_data_on_the_page(prescriber, reviewer, client):
    case_phi = {k: PATIENT[k] for k in ("patient_first_name", "patient_last_name",
                                        "date_of_birth")}
    reqs = [treat(prescriber, 0, member_id=PATIENT["member_id"], **case_phi)]
    reqs += [treat(prescriber, i) for i in range(1, 11)]
    for req in reqs:
        submit_follow_up(prescriber, req, 1, fix_activity=Decimal(30))
    page = login(client, reviewer).get(URL).content.decode()
    assert "30 %" in page  # 11 patients: shown
    leaked = [v for v in phi_forms(PATIENT) if v.lower() in page.lower()]
    assert leaked == []
    for req in reqs:
        assert req.number not in page and req.authorization.number not in page
        assert req.answers["member_id"] not in page


def test_access(prescriber, reviewer, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(client, prescriber).get(URL).status_code == 403
    client.force_login(reviewer)
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405
    ops = user_create_operations(by=None, username="ops-lee", password="x-Long-pass-1",
                                 first_name="Lee", last_name="Ops")
    client.force_login(ops)
    page = client.get(URL).content.decode()
    assert "Outcomes after treatment" in page or "outcomes after treatment" in page
    assert "/operations/outcomes/" in client.get("/operations/").content.decode()
