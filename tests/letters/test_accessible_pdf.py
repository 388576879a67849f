"""Letters are tagged PDF/A-3a: a screen reader gets the structure (headings,
table headers, paragraphs in the letter's order), the language and the title;
and a letter renders within 10 times a one-line page."""

import io
import re

import pytest
from pypdf import PdfReader

from authorizations.letters import rendering as letters
from authorizations.models import Letter, LetterKind, MemberCopy
from authorizations.requests.services import request_decide
from tests.factories import PrescriberFactory, approvable_case, make_reviewer, submitted_request

pytestmark = pytest.mark.real_letters


def structure(pdf: bytes) -> list[str]:
    """The structure tree's element types in document order."""
    root = PdfReader(io.BytesIO(bytes(pdf))).trailer["/Root"]
    found: list[str] = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(root["/StructTreeRoot"])
    return found


@pytest.fixture(scope="module")
def three_letters(once_per_module):
    """The approval, pended and denial letters, each copy rendered once for the
    module: {kind: {"number", "prescriber", "member"}} with the PDFs' bytes."""
    cases = {LetterKind.APPROVAL: approvable_case(),
             LetterKind.PENDED: approvable_case(hbsag="positive", member_id="UHC-2"),
             LetterKind.DENIAL: approvable_case(hbsag="positive", member_id="UHC-3")}
    with once_per_module() as settled:
        prescriber, reviewer = PrescriberFactory().user, make_reviewer()
        requests = {}
        for kind, case in cases.items():
            with settled():
                requests[kind] = submitted_request(prescriber, case).request
        with settled():
            request_decide(by=reviewer, req=requests[LetterKind.DENIAL], approve=False,
                           rationale="HBsAg.")
        letters_ = {}
        for kind, req in requests.items():
            letter = Letter.objects.get(kind=kind, determination__request=req)
            letters_[kind] = {"number": req.number, "prescriber": bytes(letter.pdf),
                              "member": bytes(MemberCopy.objects.get(letter=letter).pdf)}
        return letters_


@pytest.mark.parametrize("kind", [LetterKind.APPROVAL, LetterKind.PENDED, LetterKind.DENIAL])
@pytest.mark.parametrize("copy", ["prescriber", "member"])
def test_letters_are_tagged_with_language_and_title(three_letters, kind, copy):
    pdf = three_letters[kind][copy]
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    number = three_letters[kind]["number"]
    assert reader.metadata.title == f"{letters.TITLE_BY_KIND[kind]}: {number}"
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*A",
                                                                   xmp)

    elements = structure(pdf)
    headings = [name for name in elements if re.fullmatch(r"/H\d", name)]
    # One title, then the sections, in the letter's order.
    assert headings[0] == "/H1" and set(headings[1:]) == {"/H2"}
    assert "/TH" in elements and "/TD" in elements  # the facts table's row headers


def test_approval_tables_mark_their_column_headers(three_letters):
    elements = structure(three_letters[LetterKind.APPROVAL]["prescriber"])
    # Authorization (6), the dose and the kit (6) and the site (4) column headers, and the
    # facts table's 8 row headers.
    assert elements.count("/TH") == 6 + 6 + 4 + 8
    assert "/THead" in elements


def test_reading_order_follows_the_letter(three_letters, read_pdf):
    text = read_pdf(three_letters[LetterKind.DENIAL]["prescriber"])
    order = ["Prior authorization denied", "Why: the criteria not met",
             "The reviewer's clinical rationale", "Policy and plan provision relied on",
             "Peer-to-peer discussion", "The right to appeal", "The right to an external review",
             "The right to bring a civil action", "Help with this decision", "cc: Member",
             "Language help and other formats", "Nondiscrimination notice"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
