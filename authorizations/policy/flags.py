"""Review flags (data dictionary, section 4): not criteria, never in `unmet`;
each one sends a request that meets every criterion to a person.

Two of them come from the answers alone and are raised here, so that
`manage.py evaluate` reports them as the service does: `evidence_not_recent`
(a test result older than its window on the evaluation date) and
`dose_over_largest_kit`. The others need the database (facts.review_flags)
and are passed in by the caller.

Each raised flag comes with a `FlagReason` saying which result and how old,
or which volume, so the reviewer's page and the prescriber's page can print
it; the reason's text is for people, its other fields for code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from authorizations.policy import dosing
from authorizations.policy.values import long_date, plain, scientific

EVIDENCE_NOT_RECENT = "evidence_not_recent"
DOSE_OVER_LARGEST_KIT = "dose_over_largest_kit"

REVIEW_FLAGS: dict[str, str] = {
    "possible_duplicate_member": "Another member ID has an approved request or a recorded "
                                 "infusion for a patient with the same name and date of birth.",
    "reauthorization": "This member had a Hemgenix authorization that expired or was "
                       "cancelled unused.",
    EVIDENCE_NOT_RECENT: "A test result is older than its window on the evaluation date.",
    DOSE_OVER_LARGEST_KIT: "The dose volume is above 480 mL, more than the largest kit "
                           "(48 vials of 10 mL) holds.",
    # Issue 21 (the member roster): raised by facts.eligibility_flags, never by `evaluate`.
    "eligibility_not_verified": "The payer's member roster is loaded and no member on it "
                                "matches this request's member ID, name and date of birth.",
}

# The test date answering for each result, what it is called, and its window
# in days (data dictionary, section 4). Peers (Cigna, eviCore) ask for the
# inhibitor test, the liver labs and the weight within 30 days; 90 and 180 are
# the contract's choice. The factor IX baseline has no window: it is missing
# here on purpose.
EVIDENCE_WINDOWS: tuple[tuple[str, str, int], ...] = (
    ("inhibitor_screen_date", "inhibitor screen", 30),
    ("liver_tests_date", "liver enzyme panel", 30),
    ("weight_date", "weight", 30),
    ("aav5_nab_test_date", "AAV5 NAb result", 90),
    ("hiv_viral_load_date", "HIV viral load", 90),
    ("liver_imaging_date", "liver imaging", 180),
)
LARGEST_KIT_ML = Decimal(dosing.VIAL_ML * dosing.LARGEST_KIT_VIALS)  # 480 mL


class FlagReason(NamedTuple):
    """Why one flag was raised. `key` is the answer it is about; `days` and
    `window` are an old result's age and its window on the evaluation date."""

    flag: str
    text: str
    key: str = ""
    days: int | None = None
    window: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"flag": self.flag, "text": self.text}
        if self.key:
            out["key"] = self.key
        if self.days is not None:
            out.update(days=self.days, window=self.window)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlagReason:
        return cls(data["flag"], data["text"], data.get("key", ""), data.get("days"),
                   data.get("window"))


def old_evidence(answers: Mapping[str, Any], as_of: date) -> list[FlagReason]:
    """Each answered test date older than its window on `as_of` (age in days =
    evaluation date minus test date; flagged when greater than the window)."""
    reasons = []
    for key, what, window in EVIDENCE_WINDOWS:
        tested = answers.get(key)
        if tested is None:
            continue
        days = (as_of - tested).days
        if days > window:
            reasons.append(FlagReason(
                EVIDENCE_NOT_RECENT,
                f"The {what} of {long_date(tested)} is {days} days old on "
                f"{long_date(as_of)}: more than {window} days.",
                key, days, window))
    return reasons


def dose_volume(answers: Mapping[str, Any]) -> list[FlagReason]:
    """The dose volume, weight_kg x dose_gc_per_kg / 1e13 gc/mL, above 480 mL."""
    weight, dose = answers.get("weight_kg"), answers.get("dose_gc_per_kg")
    if weight is None or dose is None:
        return []
    volume = dosing.dose_plan(weight, dose).volume_ml
    if volume <= LARGEST_KIT_ML:
        return []
    return [FlagReason(
        DOSE_OVER_LARGEST_KIT,
        f"The dose volume is {plain(volume)} mL ({plain(weight)} kg x {scientific(dose)} "
        f"genome copies per kg at {scientific(dosing.VECTOR_GC_PER_ML)} per mL): more than "
        f"the {plain(LARGEST_KIT_ML)} mL of the largest kit ({dosing.LARGEST_KIT_VIALS} vials "
        f"of {dosing.VIAL_ML} mL).",
        "dose_gc_per_kg")]


def raised(answers: Mapping[str, Any], *, as_of: date, db_flags: tuple[str, ...] | list[str]
           ) -> list[FlagReason]:
    """Every flag of typed answers (from `validate`) on `as_of`, with the
    database's flags (`db_flags`, from facts.review_flags) given their text.
    An unknown flag is an error, never dropped: it would pass for "no flag"."""
    unknown = [flag for flag in db_flags if flag not in REVIEW_FLAGS]
    if unknown:
        raise ValueError(f"unknown review flag(s): {', '.join(sorted(unknown))}")
    return [*old_evidence(answers, as_of), *dose_volume(answers),
            *(FlagReason(flag, REVIEW_FLAGS[flag]) for flag in sorted(set(db_flags)))]


def reason_texts(flags: list[str], reasons: list[Mapping[str, Any]] | None) -> list[str]:
    """What people read for a request's flags: each stored reason, or the
    flag's general text for a flag recorded without one (before version 3)."""
    stored = [FlagReason.from_dict(r) for r in reasons or ()]
    texts = [r.text for r in stored if r.flag in flags]
    texts += [REVIEW_FLAGS.get(flag, flag) for flag in flags
              if not any(r.flag == flag for r in stored)]
    return texts
