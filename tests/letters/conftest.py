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


@pytest.fixture(autouse=True)
def _no_collected_static(settings):
    # Tests run without collectstatic: WhiteNoise would warn (an error here)
    # about the missing STATIC_ROOT; static files come from the finders.
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
