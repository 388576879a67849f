import io
import re

import pytest
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed, so line breaks do not matter."""
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def read_pdf():
    return pdf_text

