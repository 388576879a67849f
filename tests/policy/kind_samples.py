"""Samples of every answer kind, shared by the engine's and the form's tests
(tests/policy/test_kinds.py, tests/requests/wizard/test_fields.py): what a
person types, the JSON value it means, and the values on each side of every
limit. A plain module, no Django."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from authorizations import policy
from authorizations.policy import kinds
from tests.cases import AS_OF, approvable_case, days, iso, long_date

# The answers that make each key asked, on top of approvable_case().
ASKED = {
    "aav5_nab_titer": {"aav5_nab_result": "detected", "aav5_nab_titer": 100},
    "hiv_viral_load_copies_ml": {"hiv_status": "positive", "hiv_on_antiretroviral_therapy": True,
                                 "hiv_viral_load_copies_ml": "<20",
                                 "hiv_viral_load_date": iso(-26)},
    "hiv_viral_load_date": {"hiv_status": "positive", "hiv_on_antiretroviral_therapy": True,
                            "hiv_viral_load_copies_ml": "<20",
                            "hiv_viral_load_date": iso(-26)},
}

# A test date (38 days before AS_OF) and a planned date (18 days after), as typed.
_TESTED, _PLANNED = days(-38), days(18)

# (key, typed text, the JSON value it means): one kind after another.
TYPED: list[tuple[str, str, Any]] = [
    ("patient_first_name", "  Ada ", "Ada"),  # text
    ("member_id", "uhc 1002-003", "uhc 1002-003"),  # member_id: kept as typed
    ("site_of_care_npi", "1234567893", "1234567893"),  # npi
    ("site_of_care_npi", "123-456-7893", "1234567893"),
    ("diagnosis", "hemophilia_b", "hemophilia_b"),  # choice
    ("inhibitor_history", "no", False),  # bool
    ("weight_kg", "72.5", Decimal("72.5")),  # decimal
    ("weight_kg", "250", 250),
    ("dose_gc_per_kg", "2 x 10^13", 20000000000000),  # scientific
    ("dose_gc_per_kg", "2.0E+13", 20000000000000),
    ("dose_gc_per_kg", "2×10¹³", 20000000000000),
    ("fix_exposure_days", "150", 150),  # integer
    ("aav5_nab_titer", "1:678", 678),  # titer
    ("aav5_nab_titer", "678", 678),
    ("fix_activity_percent", "<1", "<1"),  # lab value
    ("fix_activity_percent", "0.5", Decimal("0.5")),
    ("fix_activity_percent", "0.005 IU/mL", Decimal("0.5")),
    ("inhibitor_screen_bu", "negative (<0.5)", "<0.5"),
    ("inhibitor_screen_bu", "0.59999999999999999999", Decimal("0.59999999999999999999")),
    ("hiv_viral_load_copies_ml", "< 20 copies/mL", "<20"),
    ("date_of_birth", "04/12/1985", "1985-04-12"),  # birth date
    ("date_of_birth", "Apr 12, 1985", "1985-04-12"),
    ("date_of_birth", "12 Apr 1985", "1985-04-12"),
    ("date_of_birth", "1985-04-12", "1985-04-12"),
    ("weight_date", f"{_TESTED:%m/%d/%Y}", _TESTED.isoformat()),  # test date
    ("weight_date", f"{_TESTED:%b} {_TESTED.day}, {_TESTED.year}", _TESTED.isoformat()),
    ("weight_date", f"{_TESTED.day} {_TESTED:%b %Y}", _TESTED.isoformat()),
    ("weight_date", _TESTED.isoformat(), _TESTED.isoformat()),
    ("planned_infusion_date", long_date(_PLANNED), _PLANNED.isoformat()),  # planned date
]


def _numbers(q: policy.Question) -> list[Any]:
    """Numbers on each side of a question's bounds, as JSON values."""
    assert q.minimum is not None and q.maximum is not None
    step = Decimal(1) if kinds.of(q).fhir_type == "integer" else Decimal("0.001")
    low, high = Decimal(q.minimum), Decimal(q.maximum)
    out: list[Any] = [low - step, low, low + step, high - step, high, high + step]
    if isinstance(kinds.of(q), kinds.LabValueKind):
        out += [f"<{n}" for n in (low + step, high - step, high, high + step)]
    return [int(n) if isinstance(n, Decimal) and n == n.to_integral_value() else n
            for n in out]


def _days(q: policy.Question) -> list[str]:
    """Days on each side of the earliest date and of the evaluation date."""
    days = [kinds.EARLIEST_DATE - timedelta(days=1), kinds.EARLIEST_DATE,
            AS_OF - timedelta(days=1), AS_OF, AS_OF + timedelta(days=1)]
    return [day.isoformat() for day in days]


def limit_samples() -> list[tuple[str, Any]]:
    """(key, JSON value) on each side of every range and date limit."""
    out: list[tuple[str, Any]] = []
    for q in policy.QUESTIONS:
        kind = kinds.of(q)
        if isinstance(kind, (kinds.DecimalKind, kinds.LabValueKind)):
            out += [(q.key, v) for v in _numbers(q)]
        elif isinstance(kind, kinds.DateKind):
            out += [(q.key, v) for v in _days(q)]
    return out


def case_with(key: str, value: Any) -> dict[str, Any]:
    """An approvable case in which `key` is asked and answered `value`; born on
    the earliest date, so a test date is judged by its own limits alone."""
    case = approvable_case(**ASKED.get(key, {}))
    if key != "date_of_birth":
        case["date_of_birth"] = kinds.EARLIEST_DATE.isoformat()
    else:  # every test date on the evaluation date, never before a birth date to test
        case.update({q.key: AS_OF.isoformat() for q in policy.QUESTIONS
                     if q.kind == "test_date" and case.get(q.key) is not None})
    case[key] = value
    return case


def engine_reads(key: str, value: Any) -> tuple[bool, Any]:
    """(refused, JSON value as the engine keeps it) for one answer in a whole case."""
    try:
        answers = policy.validate(case_with(key, value), as_of=AS_OF)
    except policy.InvalidCase as exc:
        return key in {p.key for p in exc.problems}, None
    return False, policy.to_json(answers)[key]
