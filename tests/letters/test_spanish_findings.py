"""The engine's own words in a Spanish member letter (issue 21): every finding,
documentation item and criterion name the policy package can produce has its
Spanish translation in the catalogue, and letters/findings.py reads each one
back from the engine's English and writes it in Spanish (dates as letter
dates, numbers exact). The policy's quoted words are never among them.

A message added to the policy package without its Spanish entry fails here
(the catalogue test); a finding written without gettext_noop fails the
property test (its English cannot be read back); a branch of the engine no
case below reaches fails the coverage test (add the case)."""

from __future__ import annotations

import gettext
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from authorizations import policy
from authorizations.letters import findings
from authorizations.policy import messages
from authorizations.policy.rules import Facts
from tests.cases import AS_OF, approvable_case, iso, long_date, years_before
from tests.depth import examples
from tests.policy import test_purity_and_properties as properties

MO = settings.BASE_DIR / "authorizations" / "locale" / "es" / "LC_MESSAGES" / "django.mo"
PLACEHOLDERS = re.compile(r"%\(\w+\)s|%%")
MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


def spanish_date(day) -> str:
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def catalogue() -> dict[str, str]:
    with MO.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]


def test_every_message_of_the_policy_package_has_its_spanish_translation():
    spanish = catalogue()
    assert len(messages.MESSAGES) > 100
    for message in messages.MESSAGES:
        assert spanish.get(message), f"no Spanish for {message!r}"
        # The same values in the Spanish sentence, each once or as often.
        assert sorted(set(PLACEHOLDERS.findall(spanish[message]))) == \
            sorted(set(PLACEHOLDERS.findall(message))), message


def test_each_criterions_name_and_documentation_are_translated_and_its_quotes_are_not():
    with translation.override("es"):
        for criterion in policy.CRITERIA:
            name = findings.translate(criterion.name)
            documentation = findings.translate(criterion.documentation)
            assert name.translated and documentation.translated, criterion.id
            assert documentation.text != criterion.documentation, criterion.id
            # The policy's own words are quoted, never a message.
            assert criterion.text not in messages.MESSAGES
            assert not criterion.exclusion or criterion.exclusion not in messages.MESSAGES
            assert not findings.translate(criterion.text).translated
    with translation.override("es"):
        assert findings.translate("Dosing").text == "Dosis"
        assert findings.translate("AAV5 antibodies").text == "Anticuerpos contra AAV5"
        assert findings.translate(policy.CRITERION_BY_ID["dosing"].documentation).text == \
            "Una dosis de 2 × 10¹³ copias del genoma por kg de peso."


def _case(**changes):
    """approvable_case with `changes`, every question the changes leave unasked emptied."""
    case = approvable_case(**changes)
    for q in policy.QUESTIONS:
        if not q.is_asked(case):
            case[q.key] = None
    return case


HIV_POSITIVE = {"hiv_status": "positive", "hiv_on_antiretroviral_therapy": True,
                "hiv_viral_load_date": iso(-10)}
MODERATE = {"severity": "moderately_severe", "fix_activity_percent": Decimal("1.5"),
            "life_threatening_hemorrhage": True, "repeated_serious_spontaneous_bleeding": False}
# One case per branch of every check (the approvable case is the first).
CASES = [
    {}, {"date_of_birth": years_before(17).isoformat()},
    {"diagnosis": "hemophilia_a"}, {"diagnosis": "other"},
    MODERATE, {**MODERATE, "fix_activity_percent": "<2"},
    {**MODERATE, "fix_activity_percent": 3, "life_threatening_hemorrhage": False},
    {**MODERATE, "life_threatening_hemorrhage": False},
    {**MODERATE, "life_threatening_hemorrhage": False,
     "repeated_serious_spontaneous_bleeding": True},
    {"fix_activity_percent": "<2"}, {"fix_activity_percent": Decimal("1.5")},
    *({"current_prophylaxis": "non_factor", "non_factor_agent": agent}
      for agent in ("alhemo", "hympavzi", "qfitlia")),
    {"fix_exposure_days": 10, "htc_candidate_determination": False},
    {"current_prophylaxis": "none"},
    {"current_prophylaxis": "none", "htc_candidate_determination": False},
    {"inhibitor_history": True}, {"inhibitor_screen_bu": "<0.7"},
    {"inhibitor_screen_bu": Decimal("0.60000000000000000001")},
    {"immune_tolerance_induction": True}, {"liver_enzymes_tested": False},
    *({"liver_imaging": imaging} for imaging in ("ultrasound", "elastography", "none")),
    {"liver_abnormality_found": True}, {"aav5_nab_evaluated": False},
    {"aav5_nab_csl_test": False}, {"aav5_nab_result": "not_detected"}, {"aav5_nab_titer": 900},
    {**HIV_POSITIVE, "hiv_viral_load_copies_ml": 50},
    {**HIV_POSITIVE, "hiv_viral_load_copies_ml": "<300"},
    {**HIV_POSITIVE, "hiv_viral_load_copies_ml": 300},
    {**HIV_POSITIVE, "hiv_on_antiretroviral_therapy": False, "hiv_viral_load_copies_ml": 50},
    {"hbsag": "positive"}, {"hcv_antibody": "positive", "hcv_rna": "negative"},
    {"hcv_antibody": "positive", "hcv_rna": "positive"},
    {"hepatitis_antiviral_therapy": True}, {"prior_gene_therapy": True},
    {"prescriber_bleeding_disorder_specialist": False}, {"htc_federally_designated": False},
    {"attest_monitoring": False}, {"attest_alcohol_counseling": False},
    {"dose_gc_per_kg": Decimal("3e13")}, {"planned_inpatient_admission": True},
    {"continue_prophylaxis_after_treatment": True},
]
# Unanswered questions (drafts only: validation refuses them in a submission),
# judged on typed answers with one removed: (criterion, answers to change).
UNANSWERED = [
    ("prophylaxis", {"current_prophylaxis": "non_factor", "non_factor_agent": None,
                     "htc_candidate_determination": False}),
    ("prophylaxis", {"fix_exposure_days": None, "htc_candidate_determination": False}),
    ("aav5_antibodies", {"aav5_nab_result": None}),
    ("aav5_antibodies", {"aav5_nab_titer": None}),
    ("hepatitis_b", {"hbsag": None}),
]


def _reasons() -> list[str]:
    """Every finding the cases above make the engine write."""
    reasons = []
    for changes in CASES:
        for used in (False, True):
            result = policy.evaluate(_case(**changes), as_of=AS_OF, lifetime_used=used,
                                     review_flags=[])
            reasons += [r.reason for r in result.results]
    typed = policy.validate(approvable_case(), as_of=AS_OF)
    for criterion_id, changes in UNANSWERED:
        verdict = policy.CRITERION_BY_ID[criterion_id].rule.judge(
            {**typed, **changes}, Facts(as_of=AS_OF, lifetime_used=False))
        reasons.append("; ".join(verdict.reasons))
    return reasons


def test_every_finding_the_engine_writes_reads_back_in_spanish_and_every_branch_is_reached():
    reasons = _reasons()
    reached: set[str] = set()
    with translation.override("es"):
        for reason in reasons:
            words = findings.translate(reason)
            assert words.translated, reason
            assert "%(" not in words.text and not words.text[:1].islower(), words.text
            for part in reason.split("; "):
                for text in (part, part[:1].lower() + part[1:]):
                    reached |= {m for m in messages.MESSAGES if m == text or
                                messages.is_template(m) and findings.pattern(m).fullmatch(text)}
    with translation.override("en"):
        assert all(findings.translate(reason).text == reason for reason in reasons)
    names = {c.name for c in policy.CRITERIA} | {c.documentation for c in policy.CRITERIA}
    assert set(messages.MESSAGES) - reached - names - \
        {"A dose of %(dose)s genome copies per kg of body weight."} == set()


@hypothesis_settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(properties.valid_cases(), st.booleans())
def test_random_cases_findings_all_read_back_in_spanish(case, used):
    result = policy.evaluate(case, as_of=AS_OF, lifetime_used=used, review_flags=[])
    with translation.override("es"):
        for row in result.results:
            words = findings.translate(row.reason)
            assert words.translated, row.reason
            assert "%(" not in words.text


def test_values_are_written_again_in_spanish_exact_and_never_rounded():
    under = policy.evaluate(_case(date_of_birth=years_before(17).isoformat()), as_of=AS_OF,
                            lifetime_used=False, review_flags=[])
    age = next(r.reason for r in under.results if r.id == "age")
    assert age == f"Age 17 on {long_date(AS_OF)} is under 18"
    screen = policy.evaluate(_case(inhibitor_screen_bu=Decimal("0.60000000000000000001")),
                             as_of=AS_OF, lifetime_used=False, review_flags=[])
    bu = next(r.reason for r in screen.results if r.id == "inhibitor_screen")
    dose = policy.evaluate(_case(dose_gc_per_kg=Decimal("2.0300001e13")), as_of=AS_OF,
                           lifetime_used=False, review_flags=[])
    dosing = next(r.reason for r in dose.results if r.id == "dosing")
    with translation.override("es"):
        assert findings.translate(age).text == \
            f"17 años de edad el {spanish_date(AS_OF)}: menos de 18"
        assert findings.translate(bu).text == \
            "La prueba de inhibidores de 0.60000000000000000001 BU es de 0.6 BU o más"
        assert findings.translate(dosing).text == (
            "La dosis de 2.0300001 × 10¹³ copias del genoma por kg no es la dosis de la "
            "etiqueta, 2 × 10¹³ copias del genoma por kg (con un margen de 1%)")


@pytest.mark.parametrize("stored", [
    "HBsAg positive; a wording the engine no longer writes",
    "An older sentence",
    "",
])
def test_english_that_cannot_be_read_back_stays_english_to_be_marked_so(stored):
    with translation.override("es"):
        assert findings.translate(stored) == findings.Words(stored, False)
