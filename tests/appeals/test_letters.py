"""The appeal decision letters, rendered with WeasyPrint and read back."""

import io
import re

import pytest
from pypdf import PdfReader

from authorizations.models import Authorization, Letter, LetterKind

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.mark.real_letters(kinds=["upheld"], copies=["prescriber"])
def test_the_upheld_letter_gives_the_reasons_and_the_rights_after_the_appeal(
        denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied)
    decide_appeal(appeal, second_reviewer, overturn=False,
                  rationale="The clinic note does not document alcohol counseling.",
                  other_reason="No counseling date in the record.")
    text = pdf_text(Letter.objects.get(kind=LetterKind.APPEAL_UPHELD).pdf)
    assert "Appeal decision: denial upheld" in text
    assert "Denial upheld on appeal" in text and "authorized representative" in text
    # The denial letter's sections: the reasons in the policy's words and the rationale.
    assert "Why: the criteria not met" in text and "alcohol" in text
    assert "No counseling date in the record." in text
    assert "The clinic note does not document alcohol counseling." in text
    assert "Rita Reviewer, MD, Hematology and Oncology" in text
    assert "Counseling was given on 2026-10-20." in text  # the statement, as received
    # The rights after the appeal, and none of the denial's appeal instructions.
    assert "no further internal appeal is available" in text
    assert "independent external review" in text and "Now that the appeal is decided" in text
    assert "section 502(a) of the Employee Retirement Income Security Act" in text
    assert "The right to appeal" not in text and "Peer-to-peer" not in text


@pytest.mark.real_letters(kinds=["overturned"], copies=["prescriber"])
def test_the_overturned_letter_is_an_approval_with_the_appeal_context(
        denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied, expedited=True)
    decide_appeal(appeal, second_reviewer, overturn=True,
                  rationale="Counseling is documented in the clinic note.")
    text = pdf_text(Letter.objects.get(kind=LetterKind.APPEAL_OVERTURNED).pdf)
    auth = Authorization.objects.get(request=denied)
    assert "Appeal decision: prior authorization approved" in text
    assert "Denial overturned on appeal" in text and "(expedited appeal)" in text
    assert "Counseling is documented in the clinic note." in text
    assert auth.number in text and "What is authorized" in text
