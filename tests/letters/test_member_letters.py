"""What each letter kind says to the member, read from the PDFs with pypdf,
one test per kind checking every element at once (issue 21): the second
person and "your doctor", the roster's address, the plain sentence, denial
code and meaning beside each reason, what would change a high AAV5 titer,
the plan type's rights, the appeal deadline counted from receipt, TTY 711,
auxiliary aids and the nondiscrimination notice; and the member letters' own
prose at grade 8 or below by Flesch-Kincaid (textstat)."""

from __future__ import annotations

import pytest
import textstat
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone

from authorizations.appeals.services import appeal_decide, appeal_file, appeal_record
from authorizations.letters import rendering as letters
from authorizations.letters.services import information_member_copy
from authorizations.members import roster_csv
from authorizations.models import Determination, Letter, LetterKind, MemberCopy
from authorizations.requests.services import request_decide
from authorizations.review.services import exception_criteria, information_request
from tests.factories import approvable_case, make_reviewer, overturn_under_two_keys
from tests.letters.member_prose import own_prose

pytestmark = pytest.mark.django_db

ROSTER = {
    # member_id: (first, last, plan type, address)
    "UHC-100200300": ("Ada", "Quinlan", "employer_erisa", "1 Elm St,,Springfield,IL,62701"),
    "EX-1": ("Bo", "Tran", "individual_exchange", "9 Oak Ave,Apt 2,Austin,TX,78701"),
    "GOV-1": ("Cy", "Park", "employer_non_erisa", "4 Pine Rd,,Peoria,IL,61602"),
}
# The member's own words, in every member letter.
EVERY_MEMBER_LETTER = ["Member's copy", "Your doctor", "(TTY 711)",
                       "free auxiliary aids and services", "Nondiscrimination notice",
                       "federal civil rights laws", "ATENCIÓN"]
NEVER_TO_THE_MEMBER = ["You attested", "under your care", "you do not need to do anything",
                       "as the member's authorized representative", "your prescriber"]


@pytest.fixture
def second_reviewer(db):
    return make_reviewer("reviewer-2", credentials="MD, Hematology and Oncology")


@pytest.fixture
def file_appeal(prescriber, django_capture_on_commit_callbacks):
    def _file(req):
        with django_capture_on_commit_callbacks(execute=True):
            return appeal_file(by=prescriber, req=req, statement="Counseling was given.",
                               expedited=False, representative=True)

    return _file


@pytest.fixture
def decide_appeal(django_capture_on_commit_callbacks):
    def _decide(appeal, by, *, overturn, rationale):
        with django_capture_on_commit_callbacks(execute=True):
            if overturn and exception_criteria(appeal.request):
                # Overturning past unmet criteria takes two keys (the desk).
                return overturn_under_two_keys(appeal, first=by, rationale=rationale)
            return appeal_decide(by=by, appeal=appeal, overturn=overturn, rationale=rationale)

    return _decide


@pytest.fixture
def roster(tmp_path):
    lines = [",".join(roster_csv.COLUMNS)]
    for member_id, (first, last, plan, address) in ROSTER.items():
        line1, line2, city, state, postal = address.split(",")
        lines.append(",".join([member_id, first, last, "1985-04-12", plan, state, "en", line1,
                               line2, city, postal]))
    path = tmp_path / "members.csv"
    path.write_text("\n".join(lines) + "\n")
    call_command("import_members", str(path))


def case_of(member_id, **changes):
    first, last, *_ = ROSTER[member_id]
    return approvable_case(member_id=member_id, patient_first_name=first,
                           patient_last_name=last, **changes)


def texts(letter, read_pdf):
    return read_pdf(letter.pdf), read_pdf(MemberCopy.objects.get(letter=letter).pdf)


def assert_to_the_member(text):
    for expected in EVERY_MEMBER_LETTER:
        assert expected in text, expected
    for never in NEVER_TO_THE_MEMBER:
        assert never not in text, never


@pytest.fixture
def deny(prescriber, reviewer, submit, django_capture_on_commit_callbacks):
    def _deny(member_id, **changes):
        req = submit(prescriber, case_of(member_id, **{"hbsag": "positive",
                                                       "aav5_nab_titer": 900, **changes}))
        with django_capture_on_commit_callbacks(execute=True):
            request_decide(by=reviewer, req=req, approve=False,
                           rationale="HBsAg positive; titer too high.")
        return req, Letter.objects.get(determination__request=req, kind=LetterKind.DENIAL)

    return _deny


@pytest.mark.real_letters(kinds=["denial"])
def test_denial_to_the_member_in_each_plan_type(roster, deny, read_pdf, keep_pdf):
    rights = {
        # plan: (present, absent)
        "UHC-100200300": (["Your plan is covered by a federal law called ERISA",
                           "section 502(a) of ERISA", "1-866-444-EBSA (3272)"],
                          ["HealthCare.gov", "Your state's rules for outside reviews"]),
        "EX-1": (["Your state's rules for outside reviews", "HealthCare.gov or 1-800-318-2596",
                  "your state's department of insurance"], ["ERISA", "EBSA"]),
        "GOV-1": (["Your state's rules for outside reviews",
                   "your state's department of insurance"], ["ERISA", "EBSA",
                                                              "HealthCare.gov"]),
    }
    for member_id, (present, absent) in rights.items():
        req, letter = deny(member_id)
        prescriber_text, text = texts(letter, read_pdf)
        keep_pdf(f"denial-member-{ROSTER[member_id][2]}", MemberCopy.objects.get(
            letter=letter).pdf)
        assert_to_the_member(text)
        line1, _, city, state, postal = ROSTER[member_id][3].split(",")
        assert f"{line1} " in text and f"{city}, {state} {postal}" in text  # the roster's
        # Each reason: the policy's words as quoted (its "adenovirus" kept), the plain
        # sentence, the denial code and meaning, what would change it.
        assert "neutralizing antibodies to the adenovirus vector" in text
        assert "AAV5 is an adeno-associated virus" in text
        assert "You must not have an active hepatitis B infection." in text
        assert "Denial code: HGX-10, AAV5 antibody testing missing, or the titer is too " \
               "high." in text
        assert "Denial code: HGX-12, Active hepatitis B infection." in text
        assert "A new AAV5 antibody test, with the CSL Behring test, that shows a titer of " \
               "1:678 or lower. The test that showed 1:900 cannot change this decision." in text
        # The appeal: who, how, the deadline from receipt, an oral expedited appeal.
        assert "You can appeal, or someone you choose can appeal for you" in text
        assert "You have 180 days to appeal. The 180 days start on the day you get this " \
               "letter. We count that day as 5 days after the day we mail it." in text
        assert "You can ask for a fast appeal by phone" in text
        assert "fast outside review at the same time as a fast appeal" in text
        for expected in present:
            assert expected in text, (member_id, expected)
        for unexpected in absent:
            assert unexpected not in text, (member_id, unexpected)
        # The prescriber's copy: the same code and plan rights, in its own voice.
        assert "Denial code: HGX-12" in prescriber_text
        assert "In plain words: The patient must not have an active hepatitis B" \
               in prescriber_text
        assert ("civil action under section 502(a)" in prescriber_text) == \
            (member_id == "UHC-100200300")
        assert "your state's" not in prescriber_text


@pytest.mark.real_letters(kinds=["upheld"])
def test_upheld_appeal_to_the_member_who_appealed_by_mail(roster, deny, second_reviewer,
                                                         decide_appeal, read_pdf, keep_pdf):
    for member_id in ("EX-1", "UHC-100200300"):
        req, _ = deny(member_id)
        appeal = appeal_record(by=second_reviewer, req=req, claimant="member",
                               received_via="mail", received_at=timezone.now(),
                               statement="Please look at my new test.", expedited=False)
        decide_appeal(appeal, make_third_reviewer(member_id), overturn=False,
                      rationale="The titer is above 1:678.")
        letter = Letter.objects.get(determination__request=req, kind=LetterKind.APPEAL_UPHELD)
        prescriber_text, text = texts(letter, read_pdf)
        keep_pdf(f"upheld-member-{ROSTER[member_id][2]}",
                 MemberCopy.objects.get(letter=letter).pdf)
        assert_to_the_member(text)
        assert "You appealed on" in text and ", by mail." in text
        assert "The member appealed the denial of" in prescriber_text
        assert "This was your last appeal with us" in text
        # (j)(5)(iii), and no expedited external review offered after the final decision.
        for each in (text, prescriber_text):
            assert "voluntary alternative dispute resolution options, such as mediation" in each
            assert "at the same time as" not in each
            assert "expedited external review" not in each and "fast outside review" not in each
        assert "Denial code: HGX-10" in text
        assert ("ERISA" in text) == (member_id == "UHC-100200300")


def make_third_reviewer(member_id):
    return make_reviewer(f"reviewer-3-{member_id.lower()}", credentials="MD")


@pytest.mark.real_letters(kinds=["overturned"])
def test_overturned_appeal_to_the_member_whose_doctor_appealed(
        roster, deny, file_appeal, second_reviewer, decide_appeal, read_pdf, keep_pdf):
    req, _ = deny("UHC-100200300", aav5_nab_titer=57)
    decide_appeal(file_appeal(req), second_reviewer, overturn=True, rationale="Shown met.")
    letter = Letter.objects.get(determination__request=req, kind=LetterKind.APPEAL_OVERTURNED)
    prescriber_text, text = texts(letter, read_pdf)
    keep_pdf("overturned-member", MemberCopy.objects.get(letter=letter).pdf)
    assert_to_the_member(text)
    assert "Your doctor appealed for you on" in text
    assert "We now approve your request" in text
    assert "You appealed, as the member's authorized representative," in prescriber_text
    assert "Your doctor agreed to check your liver (ALT and AST)" in text


@pytest.mark.real_letters(kinds=["approval"])
def test_approval_to_the_member(roster, prescriber, submit, read_pdf, keep_pdf):
    req = submit(prescriber, case_of("GOV-1"))
    letter = Letter.objects.get(determination__request=req)
    prescriber_text, text = texts(letter, read_pdf)
    keep_pdf("approval-member-roster", MemberCopy.objects.get(letter=letter).pdf)
    assert letter.kind == LetterKind.APPROVAL
    assert_to_the_member(text)
    assert "4 Pine Rd Peoria, IL 61602" in text
    assert "We approve Hemgenix" in text and req.authorization.number in text
    assert "Your doctor agreed to check your liver (ALT and AST) and your factor IX level " \
           "every week for at least 3 months" in text
    assert "Your doctor also told you about the risks of drinking alcohol" in text
    assert "while you are in your doctor's care" in text
    assert "You attested that the patient's ALT and AST" in prescriber_text


@pytest.mark.real_letters(kinds=["pended"])
def test_pended_to_the_member_not_on_the_roster(roster, prescriber, submit, read_pdf,
                                                keep_pdf):
    req = submit(prescriber, approvable_case(member_id="NOT-ON-ROSTER", hbsag="positive"))
    assert req.review_flags == ["eligibility_not_verified"]
    letter = Letter.objects.get(determination__request=req)
    prescriber_text, text = texts(letter, read_pdf)
    keep_pdf("pended-member-unverified", MemberCopy.objects.get(letter=letter).pdf)
    assert_to_the_member(text)
    assert "Mailed to the address in the plan's enrollment record" in text
    assert "We could not match your member ID, name and birth date to our member list. A " \
           "person checks your coverage." in text
    assert "You must not have an active hepatitis B infection." in text
    assert "What you and your doctor can do now" in text
    assert "no member on it matches this request's member ID, name and date of birth" \
        in prescriber_text


@pytest.mark.real_letters(kinds=["info"], copies=["member"])
def test_information_needed_to_the_member_who_is_the_claimant(roster, prescriber, reviewer,
                                                              submit, read_pdf, keep_pdf):
    req = submit(prescriber, case_of("EX-1", hbsag="positive"), expedited=True)
    ir = information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"], message="The HBV DNA result.")
    text = read_pdf(information_member_copy(ir).pdf)
    keep_pdf("information-member-expedited", information_member_copy(ir).pdf)
    assert_to_the_member(text)
    assert "9 Oak Ave Apt 2 Austin, TX 78701" in text
    assert "We asked your doctor" in text
    assert "The request is yours, so you can also send it yourself" in text
    assert "we decide within 48 hours after it comes" in text


def test_the_member_letters_own_prose_reads_at_grade_8_or_below(
        roster, prescriber, reviewer, second_reviewer, submit, file_appeal, decide_appeal,
        django_capture_on_commit_callbacks):
    approved = submit(prescriber, case_of("UHC-100200300"))
    pended = submit(prescriber, case_of("EX-1", hbsag="positive", aav5_nab_titer=900))
    ir = information_request(by=reviewer, req=pended, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"], message="The HBV DNA result.")
    denied = submit(prescriber, case_of("GOV-1", hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=denied, approve=False, rationale="HBsAg positive.")
    decide_appeal(file_appeal(denied), second_reviewer, overturn=False, rationale="Upheld.")
    overturned = submit(prescriber, case_of("EX-1", hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=overturned, approve=False, rationale="HBsAg positive.")
    decide_appeal(file_appeal(overturned), second_reviewer, overturn=True, rationale="Met.")
    pages = {"information": render_to_string(
        "letters/information.html", letters.information_context(ir, letters.MEMBER))}
    for determination in Determination.objects.filter(
            request__in=[approved, pended, denied, overturned]):
        context = letters.letter_context(determination, letters.MEMBER)
        pages[context["kind"]] = render_to_string(letters.TEMPLATE_BY_KIND[context["kind"]],
                                                  context)
    assert set(pages) == {"approval", "pended", "denial", "upheld", "overturned",
                          "information"}
    for kind, html in pages.items():
        prose = own_prose(html)
        assert "Your doctor" in prose  # the prose measured is the member's letter's own
        grade = textstat.flesch_kincaid_grade(prose)
        assert grade <= 8, f"{kind}: grade {grade}"
