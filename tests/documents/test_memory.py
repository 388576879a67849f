"""A worker's memory stays bounded: a large upload grows the process by about
twice the file at most (it streams to a temporary file, is checked there and
read once, for the database), and a download by much less (it streams from the
database in slices). Measured as the peak resident set size (Linux)."""

from __future__ import annotations

import ctypes
import gc
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.client import (
    BOUNDARY,
    MULTIPART_CONTENT,
    ClientHandler,
    FakePayload,
    encode_multipart,
)
from django.utils.crypto import get_random_string

from authorizations.models import Document
from tests.factories import login
from tests.files import image_bytes, pdf_of_size, upload

pytestmark = pytest.mark.django_db

CLEAR_REFS = Path("/proc/self/clear_refs")
MB = 1024 * 1024
SIZE = 19 * MB


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def peak_growth(run) -> int:
    """How far the resident set grew above its level before `run`, in bytes.
    Freed memory is handed back to the system first, so what an earlier test
    left free does not hide this one's growth."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    CLEAR_REFS.write_text("5")  # resets the peak (VmHWM) to the current size
    before = status_kb("VmRSS")
    run()
    return (status_kb("VmHWM") - before) * 1024


needs_linux = pytest.mark.skipif(not os.access(CLEAR_REFS, os.W_OK),
                                 reason="needs Linux /proc/self/clear_refs")


def big_png(size: int) -> bytes:
    """A real PNG of about `size` bytes (noise does not compress)."""
    from PIL import Image

    side = int((size / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    import io

    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def stored_in_memory(size: int) -> int:
    """The test database's own growth: SQLite's test database lives in this
    process's memory (a file, and PostgreSQL, hold it elsewhere)."""
    return size if connection.vendor == "sqlite" and connection.is_in_memory_db() else 0


def upload_environ(client, req, name: str, data: bytes) -> dict:
    """The WSGI environ of a browser's upload, its body already in memory (as
    a server's socket buffer would hold it, outside the measurement)."""
    token = get_random_string(32)  # a CSRF secret, sent as a browser would
    body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": token, "kind": "other",
                                       "criterion": "", "file": upload(name, data)})
    environ = RequestFactory()._base_environ(
        PATH_INFO=f"/requests/{req.pk}/documents/", REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT, CONTENT_LENGTH=str(len(body)),
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}="
                    f"{client.cookies[settings.SESSION_COOKIE_NAME].value}; "
                    f"{settings.CSRF_COOKIE_NAME}={token}")
    environ["wsgi.input"] = FakePayload(body)
    return environ


@needs_linux
@pytest.mark.parametrize("kind", ["png", "pdf"])
def test_a_large_upload_grows_the_worker_by_at_most_about_twice_its_size(
        client, prescriber, draft, kind):
    owner = login(client, prescriber)
    handler = ClientHandler()
    # Warm up: modules, templates and connections loaded before measuring.
    assert handler(upload_environ(owner, draft, "small.png", image_bytes())).status_code == 302
    data = big_png(SIZE) if kind == "png" else pdf_of_size(SIZE)
    environ = upload_environ(owner, draft, f"big.{kind}", data)
    size = len(data)
    del data
    responses = []
    growth = peak_growth(lambda: responses.append(handler(environ)))
    assert responses[0].status_code == 302, responses[0].content[:2000]
    assert Document.objects.filter(size=size).exists()
    assert growth <= 2.2 * size + stored_in_memory(size), \
        f"grew {growth / MB:.1f} MB for a {size / MB:.1f} MB upload"


@needs_linux
def test_a_large_download_streams(client, prescriber, draft, add):
    owner = login(client, prescriber)
    doc = add(draft, "big.pdf", pdf_of_size(SIZE))
    url = f"/requests/{draft.pk}/documents/{doc.pk}/"
    b"".join(owner.get(url).streaming_content)  # warm up

    def download():
        received = 0
        for chunk in owner.get(url).streaming_content:
            received += len(chunk)
        assert received == SIZE

    growth = peak_growth(download)
    assert growth <= 0.5 * SIZE, f"grew {growth / MB:.1f} MB for a {SIZE / MB:.1f} MB download"
