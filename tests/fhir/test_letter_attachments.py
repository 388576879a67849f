"""Letters carry their data: the determination's ClaimResponse and the
answers' QuestionnaireResponse are JSON files inside the PDF/A-3 letter."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pypdf import PdfReader

from authorizations import fhir
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import codes
from authorizations.letters import rendering as letters
from authorizations.letters.services import letter_issue
from authorizations.models import Status

pytestmark = [pytest.mark.django_db, pytest.mark.real_letters]


def attachments(pdf: bytes) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    return {name: contents[0] for name, contents in reader.attachments.items()}


@pytest.mark.parametrize("status,action", [
    (Status.APPROVED, "A1"), (Status.PENDING_REVIEW, "A4"), (Status.DENIED, "A3")])
def test_each_letter_embeds_its_claim_response_and_the_answers(make_decided, status, action):
    req = make_decided(status)
    determination = fhir_bundle.latest_determination(req)
    pdf = letters.render_pdf(determination)
    files = attachments(pdf)
    assert set(files) == {"ClaimResponse.json", "QuestionnaireResponse.json"}
    decision = fhir.parse(ClaimResponse, files["ClaimResponse.json"])
    extension = decision.item[0].adjudication[0].extension[0]
    codes_found = [part.valueCodeableConcept.coding[0].code for part in extension.extension
                   if part.url == codes.EXT_REVIEW_ACTION_CODE]
    assert codes_found == [action]
    if status == Status.APPROVED:
        assert decision.preAuthRef == req.authorization.number
        assert decision.preAuthPeriod.end == req.authorization.end_date
    answers = fhir.parse(QuestionnaireResponse, files["QuestionnaireResponse.json"])
    assert answers.status == "completed"
    assert answers.questionnaire == fhir.canonical(fhir.bundle.policy_version(req))
    # PDF/A-3: the files are associated with the document (AF) and it is tagged.
    reader = PdfReader(io.BytesIO(pdf))
    assert len({ref.idnum for ref in reader.trailer["/Root"]["/AF"]}) == 2
    assert "/MarkInfo" in reader.trailer["/Root"]


def test_the_members_copy_carries_the_same_files_as_the_letter(make_decided):
    """Both copies are rendered with the files serialized once (letters/reuse.py)."""
    req = make_decided(Status.PENDING_REVIEW)
    letter = letter_issue(fhir_bundle.latest_determination(req))
    files = attachments(bytes(letter.pdf))
    assert set(files) == {"ClaimResponse.json", "QuestionnaireResponse.json"}
    assert attachments(bytes(letter.member_copy.pdf)) == files
    assert fhir.parse(QuestionnaireResponse, files["QuestionnaireResponse.json"]).status \
        == "completed"


def test_a_pended_letter_keeps_its_own_decision_after_approval(make_decided):
    """Each letter embeds its determination's ClaimResponse, not the latest."""
    req = make_decided(Status.PENDING_REVIEW)
    pended = fhir_bundle.latest_determination(req)
    response = fhir_bundle.claim_response(req, pended)
    parts = response.item[0].adjudication[0].extension[0].extension
    assert parts[0].valueCodeableConcept.coding[0].code == "A4"
    assert response.preAuthRef is None


@pytest.mark.skipif(shutil.which("pdfdetach") is None, reason="poppler-utils not installed")
def test_pdfdetach_lists_the_files(make_decided, tmp_path):
    req = make_decided(Status.APPROVED)
    path = tmp_path / "letter.pdf"
    path.write_bytes(letters.render_pdf(fhir_bundle.latest_determination(req)))
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True,
                             text=True, check=True).stdout
    assert "ClaimResponse.json" in listing and "QuestionnaireResponse.json" in listing
