"""One full journey through the service over HTTP, as two people would make
it: a prescriber fills the wizard, attaches a document and submits; a reviewer
approves in the admin; the prescriber reads the result, downloads the letter
and the document, and exports the request.

Used by bench/two_instances.py, bench/concurrency.py and
tests/operations/test_two_instances.py. It returns what the people saw, with
what differs from one journey to the next (numbers, member IDs, times) left
out, so two runs can be compared.
"""

from __future__ import annotations

import json
import re
import secrets
import string

from bench.benchmark import walk_wizard
from bench.httpclient import Client

ADMIN_REQUEST = "/admin/authorizations/authorizationrequest/{pk}/"
RATIONALE = "Factor IX and AAV5 antibody reports reviewed in the HTC's record."
# Varies per journey: left out of the comparison.
EXPORT_VARIES = {"request", "submitted_at"}
ANSWERS_VARY = {"member_id", "patient_last_name"}


class JourneyFailed(RuntimeError):
    pass


def expect(response, status: int, what: str):
    if response.status != status:
        raise JourneyFailed(f"{what}: HTTP {response.status}, expected {status}")
    return response


def patient_name() -> str:
    return "Quinlan" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def document_bytes() -> bytes:
    from tests.files import pdf_bytes

    return pdf_bytes(title="Hepatitis B panel")


def full_journey(prescriber: Client, reviewer: Client, *, username: str,
                 reviewer_username: str, password: str, document: bytes,
                 signed_in: bool = False) -> dict:
    """`signed_in`: both people are signed in already (a load test's
    prescribers stay signed in, as people do)."""
    if not signed_in:
        prescriber.login(username, password)
    # Every criterion met, but the factor IX and AAV5 reports are not attached
    # before submitting: the documentation_missing review flag sends it to a
    # reviewer, who may approve it alone (an approval past an unmet criterion
    # would take a second reviewer's key: the desk's exceptions).
    # A patient of its own (another name): the same name and birth date as an
    # earlier request would add the possible-duplicate flag.
    result = walk_wizard(prescriber, patient_last_name=patient_name())
    pk = int(result.strip("/").split("/")[1])
    submitted = expect(prescriber.get(result), 200, "result page").text
    if "Sent to clinical review" not in submitted:
        raise JourneyFailed(f"{result} does not say the request went to clinical review")

    documents = f"/requests/{pk}/documents/"
    expect(prescriber.post_file(documents, {"kind": "liver_panel", "criterion": "hepatitis_b"},
                                "file", "hepatitis-b-panel.pdf", document, "application/pdf"),
           302, "document upload")
    listing = expect(prescriber.get(documents), 200, "documents page").text
    links = re.findall(rf'href="({documents}\d+/)"', listing)
    if len(links) != 1:
        raise JourneyFailed(f"the documents page lists {len(links)} documents, expected 1")

    if not signed_in:
        reviewer.login(reviewer_username, password, "/admin/login/")
    admin_page = ADMIN_REQUEST.format(pk=pk)
    expect(reviewer.get(admin_page + "change/"), 200, "reviewer's request page")
    expect(reviewer.post(admin_page + "decide/", {"decision": "approve",
                                                   "rationale": RATIONALE}),
           302, "reviewer's approval")
    reviewed = expect(reviewer.get(admin_page + "change/"), 200, "request page after").text

    page = expect(prescriber.get(result), 200, "result page after the decision").text
    letter = expect(prescriber.get(f"/requests/{pk}/letter.pdf"), 200, "letter").body
    downloaded = expect(prescriber.get(links[0]), 200, "document download").body
    export = json.loads(expect(prescriber.get(f"/requests/{pk}/export.json"), 200,
                               "export").body)
    answers = {k: v for k, v in export["answers"].items() if k not in ANSWERS_VARY}
    decision = {k: v for k, v in (export.get("decision") or {}).items() if k != "at"}
    authorization = {k: v for k, v in (export.get("authorization") or {}).items()
                     if k != "number"}
    return {
        "approved_on_result_page": "Approved" in page,
        "approved_in_admin": "Approved" in reviewed,
        "letter_is_pdf": letter.startswith(b"%PDF-"),
        "document_matches": downloaded == document,
        "export": {**{k: v for k, v in export.items() if k not in EXPORT_VARIES},
                   "answers": answers, "decision": decision,
                   "authorization": authorization},
    }
