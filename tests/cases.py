"""Cases of the data dictionary (version 3), as plain JSON-like dicts: no
Django here, so the pure policy tests can use them too.

AS_OF is the evaluation date of these cases, and the day every test runs on
(tests/conftest.py travels there): version 3's evidence windows (30 days for
the inhibitor screen, the liver panel and the weight) make a case's test
dates go stale with the calendar, and a planned infusion date may not be
before the evaluation date."""

from datetime import date, timedelta
from decimal import Decimal

AS_OF = date(2026, 11, 27)


def approvable_case(**changes):
    """A case that meets every criterion of 2026D0120K on AS_OF and raises no
    review flag (JSON values): every test result within its window."""
    case = {
        "patient_first_name": "Ada",
        "patient_last_name": "Quinlan",
        "member_id": "UHC-100200300",
        "date_of_birth": "1985-04-12",
        "weight_kg": 72,
        "weight_date": "2026-11-10",
        "diagnosis": "hemophilia_b",
        "severity": "severe",
        "fix_activity_percent": Decimal("0.5"),
        "fix_activity_test_date": "2026-10-20",
        "life_threatening_hemorrhage": None,
        "repeated_serious_spontaneous_bleeding": None,
        "current_prophylaxis": "factor_ix",
        "non_factor_agent": None,
        "fix_exposure_days": 150,
        "htc_candidate_determination": True,
        "continue_prophylaxis_after_treatment": False,
        "inhibitor_history": False,
        "inhibitor_screen_bu": 0,
        "inhibitor_screen_date": "2026-11-10",
        "immune_tolerance_induction": False,
        "liver_enzymes_tested": True,
        "liver_tests_date": "2026-11-10",
        "liver_imaging": "both",
        "liver_imaging_date": "2026-10-22",
        "liver_abnormality_found": False,
        "aav5_nab_evaluated": True,
        "aav5_nab_csl_test": True,
        "aav5_nab_result": "detected",
        "aav5_nab_titer": 57,
        "aav5_nab_test_date": "2026-10-15",
        "hiv_status": "negative",
        "hiv_on_antiretroviral_therapy": None,
        "hiv_viral_load_copies_ml": None,
        "hiv_viral_load_date": None,
        "hbsag": "negative",
        "hcv_antibody": "negative",
        "hcv_rna": None,
        "hepatitis_antiviral_therapy": False,
        "prior_gene_therapy": False,
        "prescriber_bleeding_disorder_specialist": True,
        "htc_federally_designated": True,
        "dose_gc_per_kg": 20000000000000,
        "planned_infusion_date": "2026-12-10",
        "site_of_care_name": "Springfield Infusion Center",
        "site_of_care_npi": "1234567893",
        "planned_inpatient_admission": False,
        "attest_monitoring": True,
        "attest_alcohol_counseling": True,
        "attest_efficacy_assessment": True,
        "acknowledge_documentation_requests": True,
    }
    case.update(changes)
    return case


# The test dates the approvable case answers (the HIV viral load's is not
# asked: the case is HIV negative).
TEST_DATE_KEYS = ("weight_date", "fix_activity_test_date", "inhibitor_screen_date",
                  "liver_tests_date", "liver_imaging_date", "aav5_nab_test_date")


def case_tested_on(day: str, **changes):
    """The approvable case with every test date on `day` (ISO): no review flag
    when evaluated up to 30 days later."""
    return approvable_case(**{key: day for key in TEST_DATE_KEYS}, **changes)


def case_for(day: date, **changes):
    """The approvable case for an evaluation on `day`, for code on the real
    calendar (bench/, servers in other processes): every test date 10 days
    before it, the infusion planned 14 days after."""
    return case_tested_on((day - timedelta(days=10)).isoformat(),
                          **{"planned_infusion_date": (day + timedelta(days=14)).isoformat(),
                             **changes})
