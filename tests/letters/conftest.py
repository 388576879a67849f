import io
import re

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

# Letters the tests write out, to be rendered to PNG and looked at.
ARTIFACTS = django_settings.BASE_DIR / "test-artifacts" / "letters"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed, so line breaks do not matter."""
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def read_pdf():
    return pdf_text


@pytest.fixture
def keep_pdf():
    """Write a letter under test-artifacts/letters/ (pdftoppm makes it a PNG)."""

    def _keep(name: str, pdf: bytes) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(bytes(pdf))

    return _keep


# A deployment that configured every contact the letters print.
CONTACTS = {
    "PAYER_PHONE": "1-800-555-0123",
    "PAYER_FAX": "1-800-555-0124",
    "PAYER_ADDRESS": "PO Box 555, Springfield IL 62701",
    "PAYER_APPEALS_ADDRESS": "Appeals Unit, PO Box 556, Springfield IL 62702",
    "PAYER_APPEALS_FAX": "1-800-555-0125",
    "PAYER_PLAN_PROVISION": "Services that are not medically necessary or are unproven "
                            "are excluded (Section 8.2).",
    "PAYER_EXTERNAL_REVIEW": "Send the request to External Review, PO Box 557, "
                             "Springfield IL 62703.",
    "PAYER_CONSUMER_ASSISTANCE": "The Illinois Office of Consumer Health Insurance can help: "
                                 "1-877-555-0126.",
    "PAYER_PEER_TO_PEER_PHONE": "1-800-555-0127",
    "PAYER_PEER_TO_PEER_HOURS": "Monday to Friday, 8 a.m. to 6 p.m. Central",
}


@pytest.fixture
def contacts(settings):
    for name, value in CONTACTS.items():
        setattr(settings, name, value)
    return CONTACTS


@pytest.fixture
def no_contacts(settings):
    for name in CONTACTS:
        setattr(settings, name, "")
