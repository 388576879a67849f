"""Review flags (data dictionary, section 4): not criteria, never in `unmet`;
each one sends a request that meets every criterion to a person.

Two of them come from the answers alone and are raised here, so that
`manage.py evaluate` reports them as the service does: `evidence_not_recent`
(a test result older than its window on the evaluation date) and
`dose_over_largest_kit`. The others need the database (facts.review_flags)
and are passed in by the caller, as IDs or, with a reason of their own, as
`FlagReason`s: `documentation_missing` names the missing documents, and the
documents the policy asks for are listed here (REQUIRED_DOCUMENTS), so the
rule and its words stay beside the other flags.

Each raised flag comes with a `FlagReason` saying which result and how old,
or which volume, so the reviewer's page and the prescriber's page can print
it; the reason's text is for people, its other fields for code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from authorizations.policy import dosing
from authorizations.policy.values import long_date, plain, scientific

EVIDENCE_NOT_RECENT = "evidence_not_recent"
DOSE_OVER_LARGEST_KIT = "dose_over_largest_kit"
DOCUMENTATION_MISSING = "documentation_missing"

REVIEW_FLAGS: dict[str, str] = {
    "possible_duplicate_member": "Another member ID has an approved request or a recorded "
                                 "infusion for a patient with the same name and date of birth.",
    "reauthorization": "This member had a Hemgenix authorization that expired or was "
                       "cancelled unused.",
    EVIDENCE_NOT_RECENT: "A test result is older than its window on the evaluation date.",
    DOSE_OVER_LARGEST_KIT: "The dose volume is above 480 mL, more than the largest kit "
                           "(48 vials of 10 mL) holds.",
    # Issue 21 (the member roster): raised by facts.evaluate_request, never by `evaluate`.
    "eligibility_not_verified": "The payer's member roster is loaded and no member on it "
                                "matches this request's member ID, name and date of birth.",
    DOCUMENTATION_MISSING: "A document the policy asks for (the factor IX lab report or the "
                           "AAV5 antibody report) is not attached.",
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

# What the prescriber can do before submitting about a result older than its
# window (the review step lists them): a recent result with its report, or
# the test done again. Without either, a clinical reviewer decides.
# `{window}` is the result's window (EVIDENCE_WINDOWS); see evidence_remedy.
_EVIDENCE_REMEDIES: dict[str, str] = {
    "inhibitor_screen_date": "Enter an inhibitor screen from the last {window} days and "
                             "attach its report, or repeat the screen.",
    "liver_tests_date": "Enter a liver enzyme panel from the last {window} days and attach "
                        "its report, or repeat the panel.",
    "weight_date": "Enter a weight measured in the last {window} days, or weigh the patient "
                   "again.",
    "aav5_nab_test_date": "Enter an AAV5 NAb result from the last {window} days and attach "
                          "its report, or repeat the test.",
    "hiv_viral_load_date": "Enter an HIV viral load from the last {window} days and attach "
                           "its report, or repeat the test.",
    "liver_imaging_date": "Enter liver imaging from the last {window} days and attach its "
                          "report, or repeat the imaging.",
}


def evidence_remedy(key: str) -> str:
    """What to do about the result of test date `key` being too old."""
    window = next(w for k, _, w in EVIDENCE_WINDOWS if k == key)
    return _EVIDENCE_REMEDIES[key].format(window=window)


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


def raised(answers: Mapping[str, Any], *, as_of: date, db_flags: Iterable[str | FlagReason]
           ) -> list[FlagReason]:
    """Every flag of typed answers (from `validate`) on `as_of`, with the
    database's flags (`db_flags`, from facts.review_flags): an ID is given its
    general text, a FlagReason keeps its own. An unknown flag is an error,
    never dropped: it would pass for "no flag"."""
    given = [item if isinstance(item, FlagReason) else FlagReason(item, REVIEW_FLAGS.get(item, ""))
             for item in db_flags]
    unknown = sorted({r.flag for r in given if r.flag not in REVIEW_FLAGS})
    if unknown:
        raise ValueError(f"unknown review flag(s): {', '.join(unknown)}")
    by_flag: dict[str, FlagReason] = {}
    for reason in given:
        by_flag.setdefault(reason.flag, reason)
    return [*old_evidence(answers, as_of), *dose_volume(answers),
            *(by_flag[flag] for flag in sorted(by_flag))]


def reason_texts(flags: list[str], reasons: list[Mapping[str, Any]] | None) -> list[str]:
    """What people read for a request's flags: each stored reason, or the
    flag's general text for a flag recorded without one (before version 3)."""
    stored = [FlagReason.from_dict(r) for r in reasons or ()]
    texts = [r.text for r in stored if r.flag in flags]
    texts += [REVIEW_FLAGS.get(flag, flag) for flag in flags
              if not any(r.flag == flag for r in stored)]
    return texts


# --------------------------------------------------------------------------
# documentation_missing: the documents the policy asks for
# --------------------------------------------------------------------------

class RequiredDocument(NamedTuple):
    """A document the policy asks for: the document kind that answers it (a
    value of the documents slice's DocumentKind), what people call it, and
    the policy's words."""

    kind: str
    name: str
    policy_words: str


# The policy (2026D0120K, coverage criteria) asks for "Documentation of
# endogenous factor IX levels" and "Documentation that the patient has been
# evaluated for the presence of preexisting neutralizing antibodies" to AAV5.
REQUIRED_DOCUMENTS: tuple[RequiredDocument, ...] = (
    RequiredDocument("factor_ix_lab", "factor IX lab report",
                     "Documentation of endogenous factor IX levels"),
    RequiredDocument("aav5_antibody", "AAV5 antibody report",
                     "Documentation that the patient has been evaluated for the presence of "
                     "preexisting neutralizing antibodies to the adenovirus vector (e.g., "
                     "AAV-5)"),
)


def missing_documents(attached_kinds: Iterable[str]) -> list[RequiredDocument]:
    """The documents the policy asks for of which no document of its kind is
    attached, in the policy's order."""
    kinds = set(attached_kinds)
    return [doc for doc in REQUIRED_DOCUMENTS if doc.kind not in kinds]


def documentation(attached_kinds: Iterable[str]) -> list[FlagReason]:
    """`documentation_missing` with a reason naming each missing document, or
    nothing when every document the policy asks for is attached. Software
    never approves on typed values alone where the policy asks for documents."""
    missing = missing_documents(attached_kinds)
    if not missing:
        return []
    names = " and ".join(f"no {doc.name}" for doc in missing)
    asks = "; ".join(f"\u201c{doc.policy_words}\u201d" for doc in missing)
    return [FlagReason(
        DOCUMENTATION_MISSING,
        f"{names[:1].upper()}{names[1:]} {'is' if len(missing) == 1 else 'are'} attached. "
        f"The policy asks for {asks}.")]
