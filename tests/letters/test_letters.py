"""Letters: one PDF per determination, saying what was decided and why."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from authorizations import policy
from authorizations.letters import rendering as letters
from authorizations.letters.services import letter_issue, letter_latest
from authorizations.models import Determination, Letter, LetterKind, Status
from authorizations.requests.services import LifetimeLimitReached, request_decide
from tests.factories import approvable_case, approve_under_two_keys

pytestmark = pytest.mark.django_db


def long_date(day):
    return f"{day:%B} {day.day}, {day.year}"


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_approval_letter_states_authorization_codes_and_dates(prescriber, case, submit,
                                                              read_pdf):
    req = submit(prescriber, case)
    auth = req.authorization
    letter = Letter.objects.get(determination__request=req)
    text = read_pdf(letter.pdf)

    assert letter.kind == LetterKind.APPROVAL
    assert auth.end_date == auth.start_date + timedelta(days=44)  # 45 days counting the first
    for expected in [req.number, auth.number, "J1411", "D67", "one treatment per lifetime",
                     "Valid from Valid through", long_date(auth.start_date),
                     long_date(auth.end_date), "UHC-100200300", "Ada Quinlan",
                     "April 12, 1985", prescriber.prescriber.htc.name, "2026D0120K",
                     "effective June 1, 2026",
                     "weekly for at least 3 months", "no more often than twice a year",
                     "no more than 5 years"]:
        assert expected in text, expected


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_approval_letter_is_letter_paper_with_embedded_fonts_and_page_numbers(
        prescriber, case, submit, read_pdf):
    req = submit(prescriber, case)
    pdf = bytes(Letter.objects.get(determination__request=req).pdf)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    fonts = [obj for page in reader.pages
             for obj in page["/Resources"]["/Font"].values()]
    assert any("DejaVu" in str(f.get_object().get("/BaseFont")) for f in fonts)
    for font in fonts:
        descendant = font.get_object()["/DescendantFonts"][0].get_object() \
            if "/DescendantFonts" in font.get_object() else font.get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        # DejaVu for the letter; the CJK taglines' faces cut from Noto Sans CJK
        # (letters/tagline_fonts.py), Noto for any other script.
        assert any(name in descriptor["/FontName"]
                   for name in ("DejaVu", "Hemgenix-Taglines", "Noto"))
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # The letter's own pages are numbered; the insert after them (language help,
    # the nondiscrimination notice, the taglines) is the same sheet in every letter.
    own = len(reader.pages) - 1
    assert f"Page 1 of {own}" in read_pdf(pdf) and f"Page {own} of {own}" in read_pdf(pdf)
    insert = reader.pages[-1].extract_text()
    assert "Nondiscrimination notice" in insert and "ATENCIÓN" in insert
    assert "Language help and nondiscrimination notice" in insert and "Page" not in insert
    assert req.number not in insert and req.patient_name not in insert


@pytest.mark.real_letters(kinds=["pended"], copies=["prescriber"])
def test_pended_letter_lists_each_unmet_criterion_with_answer_and_documentation(
        prescriber, submit, read_pdf):
    case = approvable_case(date_of_birth="2010-03-01", attest_alcohol_counseling=False,
                           inhibitor_screen_bu=0.8)
    req = submit(prescriber, case, expedited=True)
    assert req.status == Status.PENDING_REVIEW
    letter = Letter.objects.get(determination__request=req)
    text = read_pdf(letter.pdf)

    assert letter.kind == LetterKind.PENDED
    assert sorted(req.unmet) == ["age", "alcohol_counseling_attestation", "inhibitor_screen"]
    for criterion_id in req.unmet:
        criterion = policy.CRITERION_BY_ID[criterion_id]
        assert criterion.text in text
        assert criterion.documentation in text
    assert "is under 18" in text
    assert "Inhibitor screen 0.8 BU is 0.6 BU or more" in text
    assert "Not a denial" in text
    assert long_date(timezone.localtime(req.due_at).date()) in text
    assert "72 hours (expedited)" in text
    assert req.number in text and "UHC-100200300" in text


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_denial_letter_gives_reasons_reviewer_appeal_and_peer_to_peer(
        prescriber, reviewer, submit, read_pdf, django_capture_on_commit_callbacks):
    req = submit(prescriber, approvable_case(liver_imaging="none", liver_imaging_date=None,
                                             hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False,
                       rationale="No hepatic imaging; HBsAg positive.")
    letter = Letter.objects.get(determination__request=req, kind=LetterKind.DENIAL)
    text = read_pdf(letter.pdf)

    for criterion_id in ("liver_health", "hepatitis_b"):
        assert policy.CRITERION_BY_ID[criterion_id].text in text
    assert "No hepatic ultrasound or elastography performed" in text
    assert "HBsAg positive" in text
    assert "No hepatic imaging; HBsAg positive." in text
    assert "Rita Reviewer, MD, Hematology" in text
    assert "available free of charge on request" in text
    assert "Medical Benefit Drug Policy 2026D0120K" in text
    assert "within 180 days" in text and "72 hours" in text
    assert "502(a)" in text
    assert "Peer-to-peer discussion" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_letters_point_to_the_id_card_when_no_phone_is_configured(
        prescriber, case, submit, read_pdf, settings):
    settings.PAYER_PHONE = ""
    text = read_pdf(Letter.objects.get(determination__request=submit(prescriber, case)).pdf)
    assert "Call the number on the member's ID card" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_letters_print_the_configured_phone_and_fax(prescriber, case, submit, read_pdf,
                                                    settings):
    settings.PAYER_PHONE = "1-800-555-0199"
    settings.PAYER_FAX = "1-800-555-0100"
    text = read_pdf(Letter.objects.get(determination__request=submit(prescriber, case)).pdf)
    assert "Phone 1-800-555-0199" in text and "Fax 1-800-555-0100" in text
    assert "ID card" not in text


def test_letter_is_stored_once_with_its_sha256(prescriber, case, submit, monkeypatch):
    req = submit(prescriber, case)
    letter = Letter.objects.get(determination__request=req)
    assert letter.sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()

    def must_not_render(determination):
        raise AssertionError("an issued letter is never rendered again")

    monkeypatch.setattr(letters, "render_pdf", must_not_render)
    again = letter_issue(letter.determination)
    assert again.pk == letter.pk and again.sha256 == letter.sha256
    assert Letter.objects.count() == 1


def test_render_failure_keeps_the_decision_and_render_letters_fills_the_gap(
        prescriber, case, submit, monkeypatch):
    real_render = letters.render_pdf

    def broken(determination):
        raise OSError("renderer unavailable")

    monkeypatch.setattr(letters, "render_pdf", broken)
    req = submit(prescriber, case)
    assert req.status == Status.APPROVED
    assert not Letter.objects.exists()

    monkeypatch.setattr(letters, "render_pdf", real_render)
    out = io.StringIO()
    call_command("render_letters", stdout=out)
    assert "1 letter(s) rendered, 0 failed" in out.getvalue()
    assert Letter.objects.get().kind == LetterKind.APPROVAL
    call_command("render_letters", stdout=out)
    assert Letter.objects.count() == 1


def test_a_refused_approval_gets_no_letter(prescriber, reviewer, submit,
                                           django_capture_on_commit_callbacks):
    submit(prescriber, approvable_case())  # approved: the member's one authorization
    second = submit(prescriber, approvable_case())
    with pytest.raises(LifetimeLimitReached):
        with django_capture_on_commit_callbacks(execute=True):
            request_decide(by=reviewer, req=second, approve=True,
                           rationale="Counseling documented by phone.")
    refused = Determination.objects.filter(request=second).latest()
    assert not letters.needs_letter(refused)
    assert refused not in letters.determinations_missing_letters()
    assert letter_latest(second).kind == LetterKind.PENDED


def test_render_letters_reports_failures_by_id_and_exits_non_zero(prescriber, case, submit,
                                                                   monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setattr(letters, "render_pdf", lambda d: (_ for _ in ()).throw(OSError()))
    req = submit(prescriber, case)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("render_letters", stdout=io.StringIO(), stderr=err)
    assert "rendering failed (OSError)" in err.getvalue()
    assert req.patient_name not in err.getvalue()


@pytest.mark.real_letters(kinds=["denial"], copies=["prescriber"])
def test_denial_says_where_to_send_an_appeal(prescriber, reviewer, submit, read_pdf, settings,
                                             django_capture_on_commit_callbacks):
    settings.PAYER_ADDRESS = "PO Box 30432, Salt Lake City UT 84130"
    settings.PAYER_FAX = ""
    req = submit(prescriber, approvable_case(hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg.")
    text = read_pdf(Letter.objects.get(kind=LetterKind.DENIAL).pdf)
    assert "PO Box 30432, Salt Lake City UT 84130" in text
    assert "For the appeals fax number, call the number on the member's ID card" in text


@pytest.mark.real_letters(kinds=["approval"], copies=["prescriber"])
def test_approval_after_review_does_not_claim_a_missing_attestation(
        prescriber, reviewer, submit, read_pdf, django_capture_on_commit_callbacks):
    req = submit(prescriber, approvable_case(attest_alcohol_counseling=False))
    with django_capture_on_commit_callbacks(execute=True):
        approve_under_two_keys(req, first=reviewer,
                               rationale="Counseling documented in the clinic note.")
    text = read_pdf(Letter.objects.get(kind=LetterKind.APPROVAL).pdf)
    assert "You attested that the patient's ALT and AST" in text
    assert "You also attested" not in text
    assert "did not include your attestation that the patient was counseled" in text
    assert "After clinical review" in text and "meets the coverage criteria" not in text
    assert "Approved by Rita Reviewer, MD, Hematology." in text
