"""Outcomes after treatment, for reviewers and operations staff: aggregates
only, never a patient's data. One function, `compute`, for the outcomes page.

Two queries whatever the number of patients: the current infusion records,
then their follow-ups; the rest is arithmetic in Python.

- Patients treated: authorizations with a current infusion record (one
  treatment per lifetime).
- Factor IX activity at 6, 12, ... 60 months (follow-ups 1 to 10, one every
  six months), submitted, with a result, by assay type (one-stage and
  chromogenic read the Padua variant differently: never pooled). A result
  taken OUTCOMES_EXOGENOUS_FIX_DAYS days or fewer after a factor IX product
  dose is left out (counted on its own row), and so is one without an assay.
  Median and range.
- Annualized bleeding rate, as HOPE-B measured it: over the time the
  follow-ups actually cover, by their dates (each submitted follow-up covers
  the days from the previous submitted one's test date, or the infusion, to
  its own: a waived or late interval adds its days, not half a year), for
  months 7-18 and each later year; an interval counts in the window holding
  its midpoint (months 0-6 are left out, as in the trial). All bleeds and
  treated bleeds, pooled: bleeds / patient-years. Against the lead-in
  baseline: the infusion record's treated episodes of the 12 months before.
- Back on routine prophylaxis: patients with any submitted follow-up saying
  so, and the median months from infusion to the earliest start date given.
- Follow-up completion: of the follow-ups due by today, the share submitted.

Lab results "below N" ("<1"): a result "<N" is kept as *below N*, never
dropped and never read as N. For ordering it stands at N (just below a result
of exactly N), so the median computed is an upper bound of the true one (each
"<N" is at most N). When the median or the lowest value falls on a "<N"
result, it is printed "<N"; when the median is the mean of two middle results
and either is "<N", it is printed "<" the mean. How many results were "<N" is
shown on its own row (a count, so suppressed under 11).

Suppression: any count under SUPPRESS_BELOW patients is suppressed, and so is
every figure that rests on fewer patients; with fewer than SUPPRESS_BELOW
patients treated, every cell is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from authorizations.core import deadlines, zones
from authorizations.models import FollowUp, FollowUpStatus, Infusion
from authorizations.operations.metrics import SUPPRESS_BELOW, Figure
from authorizations.policy.values import LabValue, ValueProblem, parse_lab_value, plain
from authorizations.treatment.forms import FIX_ASSAYS

# Follow-ups 1 to 10 (five years): follow-up number, months after infusion.
TIME_POINTS = tuple((n, deadlines.follow_up_months(n)) for n in
                    range(1, deadlines.MAX_FOLLOW_UPS + 1))
DAYS_PER_MONTH = Decimal("30.4375")
DAYS_PER_YEAR = Decimal("365.25")
# The bleeding rate's windows (first and last month after infusion): HOPE-B's
# months 7-18, then each later year; the last holds everything after month 54.
WINDOWS = ((7, 18), (19, 30), (31, 42), (43, 54), (55, 60))


@dataclass(frozen=True)
class Cell(Figure):
    """A Figure whose printed text may differ from its chart value
    ("<1 %", "3 to 40 %"). `value` is what a bar is drawn from."""

    shown: str = ""

    @property
    def text(self) -> str:
        if not self.suppressed and self.value is not None and self.shown:
            return self.shown
        return Figure.text.fget(self)


@dataclass
class Outcomes:
    as_of: date
    treated: Figure | None = None
    fix_medians: list[Figure] = field(default_factory=list)
    fix_table: list[Figure] = field(default_factory=list)
    bleeds: list[Figure] = field(default_factory=list)
    prophylaxis: list[Figure] = field(default_factory=list)
    completion: list[Figure] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return ([self.treated] + self.fix_table + self.bleeds + self.prophylaxis
                + self.completion)


def _q(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def _lab_key(lab: LabValue) -> tuple[Decimal, int]:
    """"<N" sorts just below N."""
    return (lab.value, 0 if lab.below else 1)


def _lab_text(lab: LabValue) -> str:
    return f"<{plain(lab.value)}" if lab.below else plain(lab.value)


def lab_median(labs: list[LabValue]) -> LabValue | None:
    """The median of lab results, "<N" counted as just below N (see the module)."""
    if not labs:
        return None
    ordered = sorted(labs, key=_lab_key)
    n = len(ordered)
    middle = ordered[(n - 1) // 2:n // 2 + 1]
    value = sum((lab.value for lab in middle), Decimal(0)) / len(middle)
    return LabValue(value.normalize() if value == value.to_integral() else _q(value, "0.01")
                    .normalize(), below=any(lab.below for lab in middle))


def lab_range(labs: list[LabValue]) -> tuple[LabValue, LabValue] | None:
    if not labs:
        return None
    ordered = sorted(labs, key=_lab_key)
    return ordered[0], ordered[-1]


def _count(key: str, label: str, n: int, *, everything_hidden: bool) -> Figure:
    return Figure(key, label, n, suppressed=everything_hidden or n < SUPPRESS_BELOW, base=n)


def _cell(key: str, label: str, value, base: int, unit: str = "", shown: str = "", *,
          everything_hidden: bool) -> Figure:
    if everything_hidden or base < SUPPRESS_BELOW:
        return Cell(key, label, None, unit, suppressed=True, base=base)
    return Cell(key, label, value, unit, base=base, shown=shown)


def _lab(raw) -> LabValue | None:
    if raw is None or raw == "":
        return None
    try:
        return parse_lab_value(raw)
    except ValueProblem:
        return None


def compute(as_of: date | None = None) -> Outcomes:
    as_of = as_of or zones.today()
    out = Outcomes(as_of)
    infusions = {row["authorization_id"]: row for row in Infusion.objects.filter(
        superseded_by__isnull=True).values("authorization_id", "infused_on",
                                           "baseline_treated_bleeds")}
    follow_ups = list(FollowUp.objects.filter(authorization_id__in=list(infusions))
                      .values("authorization_id", "number", "due_on", "status", "answers"))
    treated = len(infusions)
    hide = treated < SUPPRESS_BELOW
    out.treated = _count("patients_treated", "Patients treated", treated, everything_hidden=hide)
    submitted = [fu for fu in follow_ups if fu["status"] == FollowUpStatus.SUBMITTED]

    _fix(out, submitted, hide)
    _bleeding_rates(out, infusions, submitted, hide)

    # Back on routine prophylaxis, and when.
    starts: dict[int, date | None] = {}
    for fu in submitted:
        if fu["answers"].get("prophylaxis") is True:
            raw = fu["answers"].get("prophylaxis_start")
            day = date.fromisoformat(raw) if raw else None
            prior = starts.get(fu["authorization_id"])
            starts[fu["authorization_id"]] = day if prior is None else min(
                prior, day or prior)
    months = sorted((Decimal((day - infusions[auth]["infused_on"]).days) / DAYS_PER_MONTH)
                    for auth, day in starts.items() if day is not None)
    n_months = len(months)
    median_months = _q(sum(months[(n_months - 1) // 2:n_months // 2 + 1], Decimal(0))
                       / len(months[(n_months - 1) // 2:n_months // 2 + 1])) if months else None
    out.prophylaxis = [
        _count("prophylaxis_patients", "Patients back on routine prophylaxis", len(starts),
               everything_hidden=hide),
        _cell("prophylaxis_months", "Median months from infusion to prophylaxis", median_months,
              n_months, "months", everything_hidden=hide),
    ]

    # Follow-up completion: the follow-ups due by today.
    due = [fu for fu in follow_ups if fu["due_on"] <= as_of]
    due_patients = len({fu["authorization_id"] for fu in due})
    done = sum(1 for fu in due if fu["status"] == FollowUpStatus.SUBMITTED)
    waived = sum(1 for fu in due if fu["status"] == FollowUpStatus.WAIVED)
    share = _q(Decimal(100 * done) / len(due)) if due else None
    out.completion = [
        _cell("followups_due", "Follow-ups due so far", len(due), due_patients,
              everything_hidden=hide or len(due) < SUPPRESS_BELOW),
        _cell("followups_submitted", "Follow-ups submitted", done, due_patients,
              everything_hidden=hide or done < SUPPRESS_BELOW),
        _cell("followups_waived", "Follow-ups waived", waived, due_patients,
              everything_hidden=hide or waived < SUPPRESS_BELOW),
        _cell("followups_complete_percent", "Follow-ups due that were submitted", share,
              due_patients, "%", everything_hidden=hide),
    ]
    return out


def _excluded_after_factor_ix(answers: dict) -> bool:
    """Taken within the window after a factor IX product dose (see settings)."""
    tested, dosed = answers.get("fix_test_date"), answers.get("last_factor_ix_date")
    if not (tested and dosed):
        return False
    days = (date.fromisoformat(tested) - date.fromisoformat(dosed)).days
    return 0 <= days <= settings.OUTCOMES_EXOGENOUS_FIX_DAYS


def _fix(out: Outcomes, submitted: list[dict], hide: bool) -> None:
    """Factor IX activity by assay and time point."""
    for number, months in TIME_POINTS:
        at = f"at {months} months"
        results = [fu["answers"] for fu in submitted if fu["number"] == number
                   and _lab(fu["answers"].get("fix_activity")) is not None]
        left_out = [a for a in results if _excluded_after_factor_ix(a)]
        kept = [a for a in results if not _excluded_after_factor_ix(a)]
        for assay, assay_words in FIX_ASSAYS:
            labs = [lab for a in kept if a.get("fix_assay") == assay
                    for lab in [_lab(a["fix_activity"])] if lab is not None]
            n = len(labs)
            median, bounds = lab_median(labs), lab_range(labs)
            words = f"{assay_words.split(' (')[0].removesuffix(' assay').lower()} assay, {at}"
            out.fix_medians.append(_cell(
                f"fix_median_{assay}_{months}", f"Median factor IX activity, {words}",
                median.value if median else None, n, "%",
                f"{_lab_text(median)} %" if median else "", everything_hidden=hide))
            out.fix_table += [
                _count(f"fix_patients_{assay}_{months}", f"Patients with a result, {words}", n,
                       everything_hidden=hide),
                out.fix_medians[-1],
                _cell(f"fix_range_{assay}_{months}", f"Range of factor IX activity, {words}",
                      bounds[0].value if bounds else None, n, "%",
                      f"{_lab_text(bounds[0])} to {_lab_text(bounds[1])} %" if bounds else "",
                      everything_hidden=hide),
                _count(f"fix_below_{assay}_{months}",
                       f"Results reported as below a limit (\u201c<N\u201d), {words}",
                       sum(1 for lab in labs if lab.below), everything_hidden=hide),
            ]
        out.fix_table += [
            _count(f"fix_left_out_{months}", f"Results left out: taken soon after a factor IX "
                   f"product dose, {at}", len(left_out), everything_hidden=hide),
            _count(f"fix_no_assay_{months}", f"Results left out: no assay given, {at}",
                   sum(1 for a in kept if a.get("fix_assay") not in dict(FIX_ASSAYS)),
                   everything_hidden=hide),
        ]


def _window(midpoint_months: Decimal) -> tuple[int, int] | None:
    for first, last in WINDOWS:
        if midpoint_months <= last or (first, last) == WINDOWS[-1]:
            return (first, last) if midpoint_months > first - 1 else None
    return None


def _bleeding_rates(out: Outcomes, infusions: dict, submitted: list[dict], hide: bool) -> None:
    """Annualized bleeding rates over the days the follow-ups cover (see the module)."""
    treated = len(infusions)
    baseline = sum(row["baseline_treated_bleeds"] for row in infusions.values())
    before = _q(Decimal(baseline) / treated, "0.01") if treated else None
    out.bleeds = [_cell("abr_baseline_treated", "Treated bleeds per year, lead-in (12 months "
                        "before infusion)", before, treated, everything_hidden=hide)]
    sums: dict[tuple[int, int], dict] = {
        w: {"patients": set(), "days": 0, "all": 0, "treated": 0} for w in WINDOWS}
    by_patient: dict[int, list[dict]] = {}
    for fu in sorted(submitted, key=lambda fu: fu["number"]):
        by_patient.setdefault(fu["authorization_id"], []).append(fu)
    for auth, follow_ups in by_patient.items():
        infused_on = infusions[auth]["infused_on"]
        start = infused_on
        for fu in follow_ups:
            answers = fu["answers"]
            raw_end = answers.get("fix_test_date")
            end = date.fromisoformat(raw_end) if raw_end else fu["due_on"]
            interval, start = (start, end), max(start, end)
            known = all(answers.get(k) not in (None, "") for k in ("bleeds_total",
                                                                   "bleeds_treated"))
            if not known or interval[1] <= interval[0]:
                continue
            middle = Decimal((interval[0] - infused_on).days + (end - infused_on).days) / 2
            window = _window(middle / DAYS_PER_MONTH)
            if window is None:
                continue
            cell = sums[window]
            cell["patients"].add(auth)
            cell["days"] += (end - interval[0]).days
            cell["all"] += int(answers["bleeds_total"])
            cell["treated"] += int(answers["bleeds_treated"])
    for (first, last), cell in sums.items():
        years = Decimal(cell["days"]) / DAYS_PER_YEAR
        n = len(cell["patients"])
        months = f"months {first}-{last}"
        out.bleeds += [
            _count(f"abr_patients_{first}_{last}", f"Patients followed, {months}", n,
                   everything_hidden=hide),
            _cell(f"abr_all_{first}_{last}", f"All bleeds per year, {months}",
                  _q(cell["all"] / years, "0.01") if years else None, n,
                  everything_hidden=hide),
            _cell(f"abr_treated_{first}_{last}", f"Treated bleeds per year, {months}",
                  _q(cell["treated"] / years, "0.01") if years else None, n,
                  everything_hidden=hide),
        ]
