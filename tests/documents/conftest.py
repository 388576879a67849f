"""Real files (a PDF written by pypdf, images by Pillow) and requests in each
state, for the documents tests."""

from __future__ import annotations

import pytest

from authorizations.models import Status
from authorizations.requests.services import request_create, request_save_draft
from tests.factories import login
from tests.files import HTML, image_bytes, pdf_bytes, pdf_of_size, post_document, upload  # noqa: F401
from tests.phi import PATIENT


@pytest.fixture
def owner(client, prescriber):
    return login(client, prescriber)


@pytest.fixture
def draft(prescriber):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    return request_save_draft(by=prescriber, req=req, answers=dict(PATIENT),
                              step="attestations")


@pytest.fixture
def pending(prescriber, submit, quick_letters):
    req = submit(prescriber, {**PATIENT, "member_id": "UHC-PENDING-1", "hbsag": "positive"},
                 reports=False)
    assert req.status == Status.PENDING_REVIEW
    return req


@pytest.fixture
def approved(prescriber, submit, quick_letters):
    req = submit(prescriber, {**PATIENT, "member_id": "UHC-APPROVED-1"})
    assert req.status == Status.APPROVED
    return req


@pytest.fixture
def add(prescriber):
    """Add a document through the service, as the prescriber."""
    from authorizations.documents import services as documents

    def _add(req, name="labs.pdf", data=None, *, kind="factor_ix_lab", criterion=""):
        return documents.document_add(by=prescriber, req=req,
                                      upload=upload(name, pdf_bytes() if data is None else data),
                                      kind=kind, criterion=criterion)

    return _add
