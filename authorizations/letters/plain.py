"""Each reason in plain words, beside the policy's own (which the letters
quote as they are): one sentence per criterion ID and per review flag, and
what would change the decision.

The policy's words stay in policy/criteria.py; these are the letters' own
prose, written to be read at grade 8 or below (tests/letters/test_member_letters.py
measures it). Each sentence is written once for both copies: `{You}`, `{your}`
and the like read "You" and "your" in the member's copy and "The patient"
and "the patient's" in the prescriber's.

The sentences are marked with gettext_noop and translated where a letter
uses them, in the letter's language (letters/language.py), keeping the
voice's placeholders (gettext's format check asks for each). Only members'
copies are translated (the prescriber's is English), so only MEMBER_VOICE's
words are: "{You} debe tener 18 años o más" reads "Usted debe ...".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from authorizations import policy
from authorizations.letters import findings
from authorizations.letters.denial_codes import denial_code

# The member's voice is translated with the letter (members' copies only: the
# prescriber's is English); member.voice reads it while the letter renders.
MEMBER_VOICE = {"You": pgettext_lazy("member voice", "You"),
                "you": pgettext_lazy("member voice", "you"),
                "Your": pgettext_lazy("member voice", "Your"),
                "your": pgettext_lazy("member voice", "your"),
                "are": pgettext_lazy("member voice", "are"),
                "have": pgettext_lazy("member voice", "have"),
                "doctor": pgettext_lazy("member voice", "your doctor"),
                "Doctor": pgettext_lazy("member voice", "Your doctor")}
PRESCRIBER_VOICE = {"You": "The patient", "you": "the patient", "Your": "The patient's",
                    "your": "the patient's", "are": "is", "have": "has",
                    "doctor": "the prescriber", "Doctor": "The prescriber"}

PLAIN_BY_CRITERION: dict[str, str] = {
    "diagnosis": gettext_noop(
        "This drug is covered only for hemophilia B."),
    "age": gettext_noop(
        "{You} must be 18 or older."),
    "severity": gettext_noop(
        "{Your} hemophilia B must be severe. Or it must be moderately severe with serious"
        " bleeding. A blood test shows how much factor IX {your} blood makes."),
    "prophylaxis": gettext_noop(
        "{You} must already use a drug that prevents bleeding, of a kind the policy "
        "lists."),
    "no_combination_prophylaxis": gettext_noop(
        "{You} must plan to stop the usual drugs that prevent bleeding after this "
        "treatment."),
    "inhibitor_history": gettext_noop(
        "{You} must never have had factor IX inhibitors. An inhibitor is an antibody that"
        " stops factor IX from working."),
    "inhibitor_screen": gettext_noop(
        "{Your} latest blood test for factor IX inhibitors must be negative."),
    "immune_tolerance_induction": gettext_noop(
        "{You} must never have had treatment to get rid of inhibitors (immune tolerance)."),
    "liver_health": gettext_noop(
        "{Your} liver must be checked with blood tests and a scan. The checks must find "
        "no liver problem."),
    "aav5_antibodies": gettext_noop(
        "{Your} blood must be tested for antibodies to AAV5. AAV5 is an adeno-associated "
        "virus. It carries the drug into the liver. A high level of these antibodies can "
        "stop the drug from working."),
    "hiv": gettext_noop(
        "If {you} {have} HIV, medicine must keep it under control."),
    "hepatitis_b": gettext_noop(
        "{You} must not have an active hepatitis B infection."),
    "hepatitis_c": gettext_noop(
        "{You} must not have an active hepatitis C infection."),
    "hepatitis_antiviral_therapy": gettext_noop(
        "{You} must not be taking medicine for hepatitis B or C now."),
    "prior_gene_therapy": gettext_noop(
        "{You} must never have had gene therapy for hemophilia B."),
    "lifetime_limit": gettext_noop(
        "This drug is covered only once in a lifetime."),
    "prescriber_htc": gettext_noop(
        "The doctor who orders it must be a bleeding disorder expert. The doctor must "
        "work at a hemophilia treatment center on the federal list."),
    "dosing": gettext_noop(
        "The dose must match the dose on the drug's label."),
    "monitoring_attestation": gettext_noop(
        "{Doctor} must agree to check {your} liver and factor IX every week for 3 months "
        "after the treatment."),
    "alcohol_counseling_attestation": gettext_noop(
        "{Doctor} must talk with {you} about the risks of drinking alcohol after the "
        "treatment."),
    "no_inpatient_admission": gettext_noop(
        "The drug must be given without a hospital stay planned just for it."),
}

PLAIN_BY_FLAG: dict[str, str] = {
    "possible_duplicate_member": gettext_noop(
        "Someone else with the same name and birth date has a different member ID. A "
        "person checks that this is not the same member."),
    "reauthorization": gettext_noop(
        "{You} had an approval for this drug before that was not used. A person checks "
        "the new request."),
    "evidence_not_recent": gettext_noop(
        "A test result is older than the policy allows. A person checks if a newer test "
        "is needed."),
    "dose_over_largest_kit": gettext_noop(
        "The dose is more than the largest kit of the drug holds. A person checks how it "
        "will be given."),
    "documentation_missing": gettext_noop(
        "A lab report the policy asks for is not attached yet. A person checks the "
        "records."),
    "eligibility_not_verified": gettext_noop(
        "We could not match {your} member ID, name and birth date to our member list. A "
        "person checks {your} coverage."),
}


def in_voice(sentence: str, voice: Mapping[str, str]) -> str:
    return sentence.format_map(voice)


def plain_reason(criterion: str, voice: Mapping[str, str]) -> str:
    return in_voice(_(PLAIN_BY_CRITERION[criterion]), voice) if criterion else ""


def plain_flag(flag: str, voice: Mapping[str, str]) -> str:
    return in_voice(_(PLAIN_BY_FLAG.get(flag, gettext_noop("A person reviews the request."))),
                    voice)


def what_would_change(criterion: str, answers: Mapping[str, Any], documentation: str,
                      voice: Mapping[str, str]) -> str:
    """What would change the decision on this criterion. Usually the
    documentation that shows it met; for an AAV5 titer above the limit, a
    repeat test below it (the report that showed the high titer cannot)."""
    limit = policy.AAV5_TITER_LIMIT
    titer = answers.get("aav5_nab_titer")
    if criterion == "aav5_antibodies" and answers.get("aav5_nab_result") == "detected" \
            and titer is not None and titer > limit:
        return in_voice(
            _("A new AAV5 antibody test, with the CSL Behring test, that shows a titer of "
              "1:%(limit)s or lower. The test that showed 1:%(titer)s cannot change this "
              "decision.") % {"limit": limit, "titer": titer},
            voice)
    return documentation


def explain(items: list[dict[str, Any]], answers: Mapping[str, Any],
            voice: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each reason of a letter with its plain sentence, its denial code and
    meaning, and what would change it (letters/rendering.py's items)."""
    out = []
    for item in items:
        code = denial_code(item["id"])
        # The engine's finding and documentation in the letter's language
        # (letters/findings.py); what it cannot read back stays English, marked so.
        reason = findings.translate(item["reason"]) if not item.get("own_words") else \
            findings.Words(item["reason"], True)
        documentation = findings.translate(item.get("documentation", ""))
        change = what_would_change(item["id"], answers, documentation.text, voice)
        out.append({**item, "plain": plain_reason(item["id"], voice), "code": code.code,
                    "code_meaning": _(code.meaning), "change": change,
                    "reason": reason.text, "reason_translated": reason.translated,
                    "change_translated": change != documentation.text
                    or documentation.translated})
    return out


def flag_items(flags: list[str], reasons: list[Mapping[str, Any]] | None,
               voice: Mapping[str, str]) -> list[dict[str, str]]:
    """Each review flag of a pended request: its plain sentence and its
    stored reason (which result, how old)."""
    texts = {r["flag"]: r["text"] for r in reasons or ()}
    return [{"flag": flag, "plain": plain_flag(flag, voice),
             "reason": texts.get(flag, policy.REVIEW_FLAGS.get(flag, ""))} for flag in flags]
