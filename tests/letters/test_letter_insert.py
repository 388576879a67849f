"""The insert after every letter's own pages (letters/reuse.py insert,
pdf_tags.finish): rendered once for its words, appended with its structure
elements, so the whole letter is one tagged document a screen reader reads
in order, each page's marked content found through the parent tree."""

import io
import re

import pikepdf
import pytest

from authorizations.letters import rendering as letters
from authorizations.letters import reuse
from authorizations.letters.taglines import TAGLINES
from authorizations.models import Determination
from tests.factories import approvable_case, submitted_request

pytestmark = [pytest.mark.django_db, pytest.mark.real_letters]


def _walk(pdf: pikepdf.Pdf) -> list[tuple[pikepdf.Dictionary, pikepdf.Object]]:
    """Every structure element with the parent it was found under."""
    found = []
    stack = [(kid, pdf.Root.StructTreeRoot) for kid in reversed(pdf.Root.StructTreeRoot.K)]
    while stack:
        node, parent = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue  # a marked-content id
        found.append((node, parent))
        kids = node.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        stack.extend((kid, node) for kid in reversed(kids))  # in document order
    return found


def test_the_insert_is_the_last_page_and_one_structure_tree_holds_both(prescriber):
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    pdf = pikepdf.open(io.BytesIO(letters.render_member_pdf(
        Determination.objects.get(request=req))))

    root = pdf.Root.StructTreeRoot
    assert len(root.K) == 1 and root.K[0].S == "/Document"
    elements = _walk(pdf)
    for element, parent in elements:
        assert element.P.objgen == parent.objgen  # each element names its own parent
    # Each page's marked content: its parent tree entry, every element on that page.
    nums = root.ParentTree.Nums
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    keys = [int(page.obj.StructParents) for page in pdf.pages]
    assert sorted(keys) == sorted(entries) and len(set(keys)) == len(pdf.pages) >= 2
    for page in pdf.pages:
        marked = entries[int(page.obj.StructParents)]
        assert len(marked) > 0
        assert {element.Pg.objgen for element in marked} == {page.obj.objgen}
    # The last page is the insert, and its taglines are the tree's last paragraphs.
    insert_page = pdf.pages[-1].obj.objgen
    paragraphs = [e for e, _ in elements if e.S == "/P"]
    taglines = paragraphs[-len(TAGLINES):]
    assert [str(p.Lang) for p in taglines] == [t.code for t in TAGLINES]
    assert all(p.Pg.objgen == insert_page for p in taglines if "/Pg" in p)
    assert pdf.trailer.ID[0] and pdf.Root.Lang == "en"


def test_the_insert_is_rendered_once_for_its_words(prescriber, monkeypatch, settings):
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    determination = Determination.objects.get(request=req)
    monkeypatch.setattr(reuse._local, "inserts", {}, raising=False)
    rendered: list[str] = []
    weasyprint = letters._weasyprint

    def counted(html: str, **options) -> bytes:
        rendered.append(html)
        return weasyprint(html, **options)

    monkeypatch.setattr(letters, "_weasyprint", counted)
    first = letters.render_pdf(determination)
    second = letters.render_pdf(determination)
    inserts = [html for html in rendered if 'class="tagline-list"' in html]
    assert len(rendered) == 3 and len(inserts) == 1  # two letters, one insert
    assert first == second  # the same bytes, the insert's page included
    # The member's copy says the same there; a configured phone number changes the words.
    letters.render_member_pdf(determination)
    assert len([html for html in rendered if 'class="tagline-list"' in html]) == 1
    settings.PAYER_PHONE = "1-800-555-0142"
    letters.render_pdf(determination)
    inserts = [html for html in rendered if 'class="tagline-list"' in html]
    assert len(inserts) == 2 and "1-800-555-0142" in inserts[1]
    assert not any(re.search(req.number, html) for html in inserts)
