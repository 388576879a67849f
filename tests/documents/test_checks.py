"""What a file must be to be kept: decided by its content, not its name."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadhandler import StopUpload

from authorizations.documents import services as documents
from authorizations.documents.services import DocumentRefused
from tests.files import HTML, image_bytes, pdf_bytes


@pytest.mark.parametrize("data,expected", [
    (pdf_bytes(), "application/pdf"),
    (image_bytes("PNG"), "image/png"),
    (image_bytes("JPEG"), "image/jpeg"),
    (HTML, None),
    (b"", None),
    (b"GIF89a" + b"\0" * 20, None),
    (b"  %PDF-1.7", None),  # the header must come first
])
def test_the_type_is_read_from_the_first_bytes(data, expected):
    assert documents.sniff(data[:16]) == expected


@pytest.mark.parametrize("data,content_type", [
    (pdf_bytes(pages=3), "application/pdf"),
    (image_bytes("PNG"), "image/png"),
    (image_bytes("JPEG"), "image/jpeg"),
])
def test_real_documents_pass(data, content_type):
    assert documents.inspect(io.BytesIO(data), "scan") == content_type


def refusal(data: bytes, name: str = "report.pdf") -> DocumentRefused:
    with pytest.raises(DocumentRefused) as caught:
        documents.inspect(io.BytesIO(data), name)
    return caught.value


def test_html_renamed_pdf_is_refused_naming_the_file():
    refused = refusal(HTML, "results.pdf")
    assert refused.code == "not_a_document" and refused.field == "file"
    assert refused.message.startswith("results.pdf is not a PDF, PNG or JPEG file")
    # The exception's own text (what a log would print) is the code alone.
    assert str(refused) == "not_a_document"


def test_encrypted_pdf_is_refused():
    assert refusal(pdf_bytes(password="secret")).code == "encrypted_pdf"


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%%EOF\n",                       # a header and nothing else
    pdf_bytes()[:200],                          # cut short
    b"%PDF-1.4\n" + b"\x00garbage" * 100,       # no structure at all
])
def test_malformed_pdf_is_refused(data):
    assert refusal(data).code == "malformed_pdf"


@pytest.mark.parametrize("data", [
    image_bytes("PNG")[:60],                    # cut short
    image_bytes("PNG")[:40] + b"\xff" * 40 + image_bytes("PNG")[80:],  # bad checksum
    b"\x89PNG\r\n\x1a\n" + b"not a png",
    b"\xff\xd8\xff" + b"not a jpeg",
])
def test_malformed_image_is_refused(data):
    assert refusal(data, "scan.png").code == "malformed_image"


@pytest.mark.parametrize("raw,content_type,expected", [
    ("labs.pdf", "application/pdf", "labs.pdf"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\scan.PNG", "image/png", "scan.png"),
    ("/var/tmp/../x.jpeg", "image/jpeg", "x.jpeg"),
    ("photo.jpg", "image/jpeg", "photo.jpg"),
    ("scan.pdf", "image/png", "scan.png"),      # the content decides
    ("..", "application/pdf", "document.pdf"),
    ("", "application/pdf", "document.pdf"),
    ("report\u202efdp.exe", "application/pdf", "report_fdp.pdf"),  # no bidi override
    ("a\x00b\r\n<script>.pdf", "application/pdf", "a_b_script.pdf"),
    ("Befund Müller (2).pdf", "application/pdf", "Befund Müller (2).pdf"),
    ("x" * 300 + ".pdf", "application/pdf", "x" * 80 + ".pdf"),
])
def test_file_names_are_cleaned_and_never_a_path(raw, content_type, expected):
    name = documents.clean_file_name(raw, content_type)
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_upload_limit_stops_a_file_past_the_limit_chunk_by_chunk():
    """Without (or with a false) Content-Length, the handler still stops the
    file as soon as it passes the limit."""
    handler = documents.UploadLimit(limit=100)
    handler.handle_raw_input(None, {}, 50, b"x")  # the body claims 50 bytes
    handler.new_file("file", "../big.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"a" * 60, 0) == b"a" * 60
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"a" * 60, 60)
    assert not stopped.value.connection_reset
    assert handler.too_large and handler.refused_name == "big.pdf"


def test_upload_limit_stops_a_body_declared_too_large_at_the_file():
    handler = documents.UploadLimit(limit=100)
    handler.handle_raw_input(None, {}, 100 + documents.ENVELOPE_BYTES + 1, b"x")
    with pytest.raises(StopUpload):
        handler.new_file("file", "big.pdf", "application/pdf", None)
    assert handler.refused_name == "big.pdf"


def test_upload_limit_drops_the_connection_for_an_absurd_body():
    handler = documents.UploadLimit()
    handler.handle_raw_input(None, {}, documents.DISCARD_AT_MOST + 1, b"x")
    with pytest.raises(StopUpload) as stopped:
        handler.new_file("file", "huge.pdf", "application/pdf", None)
    assert stopped.value.connection_reset
