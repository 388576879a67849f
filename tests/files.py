"""Real files for upload tests: a PDF written by pypdf, images by Pillow, and
helpers that post them. A plain module, imported by the tests that need it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(*, pages: int = 1, password: str | None = None, title: str = "",
              attachment: bytes = b"") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if title:
        writer.add_metadata({"/Title": title})
    if attachment:
        writer.add_attachment("attachment.bin", attachment)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (48, 32), *, text: str = "") -> bytes:
    from PIL import Image, PngImagePlugin

    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if fmt == "PNG" and text:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text)
        image.save(out, fmt, pnginfo=info)
    else:
        image.save(out, fmt)
    return out.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A real PDF of exactly `size` bytes (an attachment fills it)."""
    filler = size - len(pdf_bytes(attachment=b"x" * size))
    data = pdf_bytes(attachment=b"x" * (size + filler))
    assert len(data) == size
    return data


HTML = b"<!doctype html><html><body><script>alert(1)</script>lab report</body></html>"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_document(client, req, name, data, *, kind="factor_ix_lab", criterion="", **extra):
    # In the order of the page's form: the fields first, the file last.
    return client.post(f"/requests/{req.pk}/documents/", {
        "kind": kind, "criterion": criterion, **extra, "file": upload(name, data)})
