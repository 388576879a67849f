"""Cases of the data dictionary (version 3), as plain JSON-like dicts: no
Django here, so the pure policy tests can use them too.

AS_OF is the evaluation date of these cases, and the day every test runs on
(tests/conftest.py travels there): version 3's evidence windows (30 days for
the inhibitor screen, the liver panel and the weight) make a case's test
dates go stale with the calendar, and a planned infusion date may not be
before the evaluation date.

AS_OF follows the test clock: the suite run at `--clock INSTANT` (or with
HEMGENIX_TEST_CLOCK set, which tests/conftest.py sets from --clock so that
xdist's workers and subprocesses read the same) runs on the date of that
instant where the service is (America/New_York), e.g. a daylight-saving
change; without it, on 2026-11-27. Every date of a case is counted from it."""

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

# The service's zone (settings.TIME_ZONE; no Django here).
SERVICE_ZONE = ZoneInfo(os.environ.get("DJANGO_TIME_ZONE", "America/New_York"))
DEFAULT_AS_OF = date(2026, 11, 27)
CLOCK_ENV = "HEMGENIX_TEST_CLOCK"


def clock_instant() -> datetime | None:
    """The instant the suite runs at (ISO 8601 with its offset), if one was given."""
    at = os.environ.get(CLOCK_ENV)
    return datetime.fromisoformat(at) if at else None


@cache
def as_of() -> date:
    # Read once: every module and fixture must agree on the day (conftest
    # checks that it was not read before --clock was known).
    at = clock_instant()
    return at.astimezone(SERVICE_ZONE).date() if at else DEFAULT_AS_OF


def __getattr__(name: str):
    # `from tests.cases import AS_OF` reads the clock's date when imported
    # (test modules are imported after conftest has set the clock).
    if name == "AS_OF":
        return as_of()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def days(n: int) -> date:
    """The date `n` days after AS_OF (before it when negative)."""
    return as_of() + timedelta(days=n)


def iso(n: int) -> str:
    """days(n) as ISO text, as a case's JSON answer holds it."""
    return days(n).isoformat()


def long_date(day: date) -> str:
    """A date as pages, letters and reasons print it: November 27, 2026."""
    return f"{day:%B} {day.day}, {day.year}"


def years_before(years: int, day: date | None = None) -> date:
    """The same calendar day `years` before `day` (AS_OF): a birthday (February
    29 falls back to February 28)."""
    day = day or as_of()
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def approvable_case(**changes):
    """A case that meets every criterion of 2026D0120K on AS_OF and raises no
    review flag (JSON values): every test result within its window (the
    dates of 2026-11-27's case: weight and labs 17 days before, factor IX 38,
    imaging 36, AAV5 43; the infusion 13 days after)."""
    case = {
        "patient_first_name": "Ada",
        "patient_last_name": "Quinlan",
        "member_id": "UHC-100200300",
        "date_of_birth": "1985-04-12",
        "weight_kg": 72,
        "weight_date": iso(-17),
        "diagnosis": "hemophilia_b",
        "severity": "severe",
        "fix_activity_percent": Decimal("0.5"),
        "fix_activity_test_date": iso(-38),
        "life_threatening_hemorrhage": None,
        "repeated_serious_spontaneous_bleeding": None,
        "current_prophylaxis": "factor_ix",
        "non_factor_agent": None,
        "fix_exposure_days": 150,
        "htc_candidate_determination": True,
        "continue_prophylaxis_after_treatment": False,
        "inhibitor_history": False,
        "inhibitor_screen_bu": 0,
        "inhibitor_screen_date": iso(-17),
        "immune_tolerance_induction": False,
        "liver_enzymes_tested": True,
        "liver_tests_date": iso(-17),
        "liver_imaging": "both",
        "liver_imaging_date": iso(-36),
        "liver_abnormality_found": False,
        "aav5_nab_evaluated": True,
        "aav5_nab_csl_test": True,
        "aav5_nab_result": "detected",
        "aav5_nab_titer": 57,
        "aav5_nab_test_date": iso(-43),
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
        "planned_infusion_date": iso(13),
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
