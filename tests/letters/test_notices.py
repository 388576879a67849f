"""What each kind of letter says, read back from the PDF as text: the denial's
29 CFR 2560.503-1(g) elements, the approval's infusion, the pended and
"Information needed" letters, in both copies, with and without configured
contacts."""

import pytest

from authorizations.documents import services as documents
from authorizations.letters.services import information_member_copy
from authorizations.letters.taglines import TAGLINES
from authorizations.models import Letter, LetterKind, MemberCopy, Status
from authorizations.requests.services import request_decide
from authorizations.review.services import information_letter, information_request
from tests.cases import days, iso, long_date
from tests.factories import approvable_case, approve_under_two_keys
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

DENIAL_CASE = {"liver_imaging": "none", "liver_imaging_date": None, "hbsag": "positive"}


@pytest.fixture
def deny(prescriber, reviewer, submit, django_capture_on_commit_callbacks):
    def _deny(*, expedited=False, before_decision=None):
        req = submit(prescriber, approvable_case(**DENIAL_CASE), expedited=expedited)
        if before_decision:
            before_decision(req)
        with django_capture_on_commit_callbacks(execute=True):
            request_decide(by=reviewer, req=req, approve=False,
                           rationale="No hepatic imaging; HBsAg positive.")
        letter = Letter.objects.get(determination__request=req, kind=LetterKind.DENIAL)
        return req, letter

    return _deny


def both_copies(letter, read_pdf):
    return read_pdf(letter.pdf), read_pdf(MemberCopy.objects.get(letter=letter).pdf)


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_denial_carries_every_element_of_the_claims_rule(deny, contacts, read_pdf, keep_pdf):
    req, letter = deny()
    keep_pdf("denial-prescriber", letter.pdf)
    # The prescriber's copy; the member's, in the member's words, is read (and
    # kept to look at) in test_member_letters.py.
    for text in [read_pdf(letter.pdf)]:
        # Each specific reason in the policy's words, with the reviewer's rationale.
        assert "Hepatitis B: HBsAg positive" in text or "HBsAg positive" in text
        assert "No hepatic ultrasound or elastography performed" in text
        assert "No hepatic imaging; HBsAg positive." in text
        # The medical policy and the plan provision relied on.
        assert "Medical Benefit Drug Policy 2026D0120K" in text
        assert contacts["PAYER_PLAN_PROVISION"] in text
        # What could change the decision, and why it is needed.
        assert "Information that could change this decision: Hepatitis B surface antigen " \
               "result." in text
        assert "It is needed because the policy covers Hemgenix only when this criterion " \
               "is shown to be met" in text
        # Appeal procedure, address, fax and time limits.
        assert "within 180 days" in text
        assert contacts["PAYER_APPEALS_ADDRESS"] in text
        assert f"fax {contacts['PAYER_APPEALS_FAX']}" in text
        assert "A standard appeal is decided within 30 days" in text
        assert "ask for an expedited appeal: it is decided within 72 hours" in text
        # External review, expedited external review.
        assert "independent external review" in text
        assert "within 4 months of receiving the final appeal decision" in text
        assert contacts["PAYER_EXTERNAL_REVIEW"] in text
        assert "ask for an expedited external review" in text
        # Civil action, free copies, codes and their meanings.
        assert "civil action under section 502(a)" in text
        assert "after the appeal is decided" in text
        assert "free of charge, the member and the prescriber may have copies of the criteria " \
               "used for this decision, the clinical rationale for it, and all documents" in text
        assert "ICD-10-CM D67, hereditary factor IX deficiency" in text
        assert "HCPCS J1411, injection, etranacogene dezaparvovec-drlb" in text
        # Consumer assistance, language taglines, peer-to-peer with number and hours.
        assert contacts["PAYER_CONSUMER_ASSISTANCE"] in text
        assert "1-866-444-EBSA (3272)" in text
        assert "Language help and other formats" in text and "TTY 711" in text
        assert "ATENCIÓN: si habla español" in text and "Llame al 1-800-555-0123" in text
        assert f"call {contacts['PAYER_PEER_TO_PEER_PHONE']} " \
               f"({contacts['PAYER_PEER_TO_PEER_HOURS']})" in text
        assert req.number in text


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_an_unconfigured_deployment_says_how_to_get_each_contact(deny, no_contacts, read_pdf):
    _, letter = deny()
    for text in [read_pdf(letter.pdf)]:
        assert "the plan document's exclusion of services that are not medically necessary " \
               "or are unproven. For the exact words of that provision in the member's plan " \
               "document, call the number on the member's ID card" in text
        assert "For the appeals mailing address and appeals fax number, call the number on " \
               "the member's ID card" in text
        assert "To ask for one, call the number on the member's ID card" in text
        assert "To schedule it, call the number on the member's ID card and ask for the hours" \
            in text
        assert "Llame al número que figura en su tarjeta" in text
        assert "Office of Consumer Health Insurance" not in text


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_the_appeal_address_falls_back_to_the_payer_address(deny, no_contacts, settings,
                                                            read_pdf):
    settings.PAYER_ADDRESS = "PO Box 30432, Salt Lake City UT 84130"
    settings.PAYER_FAX = "1-800-555-0100"
    text = read_pdf(deny()[1].pdf)
    assert "PO Box 30432, Salt Lake City UT 84130 (fax 1-800-555-0100)" in text
    assert "For the appeals" not in text


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_an_expedited_request_is_not_offered_expedited_review(deny, contacts, read_pdf):
    _, letter = deny(expedited=True)
    for text in [read_pdf(letter.pdf)]:
        assert "ask for an expedited" not in text
        assert "an appeal of this decision is handled as expedited too: it is decided within " \
               "72 hours" in text
        assert "its external review is expedited too" in text
        assert "A standard appeal is decided within 30 days" not in text


@pytest.mark.real_letters(kinds=["pended"], copies=["prescriber"])
def test_the_expedited_pended_letter_does_not_offer_expedited_review(prescriber, submit,
                                                                     read_pdf):
    req = submit(prescriber, approvable_case(hbsag="positive"), expedited=True)
    text = read_pdf(Letter.objects.get(determination__request=req).pdf)
    assert "may ask for an expedited" not in text
    assert "This request is being reviewed as expedited" in text
    standard = submit(prescriber, approvable_case(hbsag="positive", member_id="UHC-2"))
    assert "may ask for an expedited (72-hour) review" in read_pdf(
        Letter.objects.get(determination__request=standard).pdf)


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_a_document_received_before_the_denial_is_named_as_on_file(deny, prescriber, read_pdf):
    # Uploaded by the prescriber: whoever adds a document takes part in the
    # request, and the reviewer who denies must not have (review/duties.py).
    def record_document(req):
        documents.document_add(by=prescriber, req=req, kind="viral_tests", criterion="hepatitis_b",
                               upload=upload("hbsag-result.pdf", pdf_bytes(),
                                             "application/pdf"))

    _, letter = deny(before_decision=record_document)
    for text in [read_pdf(letter.pdf)]:
        assert "On file with the request and considered: Viral tests " \
               "\u201chbsag-result.pdf\u201d, received" in text
        assert "not included" not in text


@pytest.mark.real_letters(kinds=["approval"])
def test_approval_gives_dose_site_window_and_inpatient_rule(prescriber, submit, contacts,
                                                            read_pdf, keep_pdf):
    req = submit(prescriber, approvable_case())
    auth = req.authorization
    letter = Letter.objects.get(determination__request=req)
    keep_pdf("approval-prescriber", letter.pdf)
    keep_pdf("approval-member", MemberCopy.objects.get(letter=letter).pdf)
    for text in both_copies(letter, read_pdf):
        assert "72 kg" in text
        assert "2 × 10¹³ genome copies per kg" in text
        assert "1.44 × 10¹⁵ genome copies" in text  # 72 kg x 2 x 10^13
        assert "144 mL" in text and "15 vials of 10 mL" in text
        assert "Springfield Infusion Center" in text and "1234567893" in text
        assert "Planned infusion date" in text and long_date(days(13)) in text
        if "Member's copy" not in text:
            assert f"within the 45-day window of this authorization, {auth.start_date:%B} " \
                   f"{auth.start_date.day}, {auth.start_date.year} through" in text
            assert "An inpatient admission solely to administer Hemgenix is not authorized" \
                in text
        assert "falls after this window" not in text
        assert "ATENCIÓN" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_approval_warns_when_the_planned_date_falls_after_the_window(prescriber, submit,
                                                                     read_pdf):
    req = submit(prescriber, approvable_case(planned_infusion_date=iso(94)))
    text = read_pdf(Letter.objects.get(determination__request=req).pdf)
    assert f"The planned infusion date, {long_date(days(94))}, falls after this window" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_approval_without_a_planned_date_says_so(prescriber, submit, read_pdf):
    req = submit(prescriber, approvable_case(planned_infusion_date=None))
    text = read_pdf(Letter.objects.get(determination__request=req).pdf)
    assert "Not scheduled yet" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_an_attestation_received_as_a_document_is_not_called_missing(
        prescriber, reviewer, submit, read_pdf, django_capture_on_commit_callbacks):
    req = submit(prescriber, approvable_case(attest_alcohol_counseling=False))
    # The prescriber's upload: the reviewer who decides took no part (review/duties.py).
    documents.document_add(by=prescriber, req=req, kind="clinic_note",
                           criterion="alcohol_counseling_attestation",
                           upload=upload("counseling.pdf", pdf_bytes(), "application/pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        approve_under_two_keys(req, first=reviewer, rationale="Counseling attested by fax.")
    text = read_pdf(Letter.objects.get(kind=LetterKind.APPROVAL).pdf)
    assert "did not include your attestation that the patient was counseled" not in text
    assert "counseled on the risks of alcohol consumption following administration is on " \
           "file: Clinic note \u201ccounseling.pdf\u201d" in text


@pytest.mark.real_letters(kinds=["pended"])
def test_pended_letter_in_both_copies(prescriber, submit, read_pdf, keep_pdf):
    req = submit(prescriber, approvable_case(hbsag="positive"))
    assert req.status == Status.PENDING_REVIEW
    letter = Letter.objects.get(determination__request=req)
    member = MemberCopy.objects.get(letter=letter)
    keep_pdf("pended-prescriber", letter.pdf)
    keep_pdf("pended-member", member.pdf)
    prescriber_text, member_text = both_copies(letter, read_pdf)
    for text in (prescriber_text, member_text):
        assert "Not a denial" in text and "Hepatitis B surface antigen result." in text
    assert "What you can do now" in prescriber_text
    assert "What you and your doctor can do now" in member_text


@pytest.mark.real_letters(kinds=["approval"])
def test_the_member_copy_is_addressed_to_the_member_with_a_copy_to_the_prescriber(
        prescriber, submit, read_pdf):
    req = submit(prescriber, approvable_case())
    letter = Letter.objects.get(determination__request=req)
    prescriber_text, member_text = both_copies(letter, read_pdf)
    name = prescriber.get_full_name() or prescriber.username
    htc = prescriber.prescriber.htc.name

    assert member_text.startswith("UnitedHealthcare")
    assert "Ada Quinlan Member ID UHC-100200300 Mailed to the address in the plan's " \
           "enrollment record" in member_text
    assert "Copy Member's copy" in member_text
    assert "Dear Ada Quinlan: Your doctor" in member_text
    assert f"Copy to your doctor: {name}" in member_text
    assert "cc: Member" not in member_text

    assert "Copy Prescriber's copy" in prescriber_text
    assert "Dear Ada Quinlan" not in prescriber_text
    assert "cc: Member (Ada Quinlan)" in prescriber_text
    assert f"{htc}" in prescriber_text.split("Copy")[0]  # the addressee block, before the facts


@pytest.mark.real_letters(kinds=["info"])
def test_information_needed_letter_in_both_copies(prescriber, reviewer, submit, read_pdf,
                                                  keep_pdf):
    req = submit(prescriber, approvable_case(hbsag="positive"))
    ir = information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"],
                             message="Please send the HBsAg report.")
    prescriber_pdf = information_letter(ir)
    member_pdf = information_member_copy(ir).pdf
    keep_pdf("information-prescriber", prescriber_pdf)
    keep_pdf("information-member", member_pdf)
    prescriber_text, member_text = read_pdf(prescriber_pdf), read_pdf(member_pdf)
    for text in (prescriber_text, member_text):
        assert "Please send the HBsAg report." in text and "Viral tests" in text
        assert "ATENCIÓN" in text
    assert f"/requests/{req.pk}/respond/" in prescriber_text
    assert "We asked your doctor" in member_text
    assert "/respond/" not in member_text  # the member's copy has no link to follow
    assert "Copy Member's copy" in member_text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_every_tagline_prints_in_its_language(prescriber, submit):
    from io import BytesIO

    from pypdf import PdfReader

    req = submit(prescriber, approvable_case())
    reader = PdfReader(BytesIO(bytes(Letter.objects.get(determination__request=req).pdf)))
    text = " ".join(page.extract_text() for page in reader.pages)
    for tagline in TAGLINES:
        if not tagline.rtl:  # right-to-left text comes out of pypdf reordered
            assert tagline.call_id_card.split(":")[0] in text, tagline.language
