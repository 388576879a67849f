"""What pdf_tags.py sets on a letter's structure tree, read back with pypdf:
each tagline's language, each table header's scope, each attachment once."""

import io
import json

import pytest
from pypdf import PdfReader

from authorizations.letters import rendering as letters
from authorizations.letters.taglines import TAGLINES
from authorizations.models import Determination
from authorizations.review.services import information_request
from tests.factories import approvable_case, submitted_request

pytestmark = [pytest.mark.django_db, pytest.mark.real_letters]


def elements(catalog) -> list[dict]:
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(catalog["/StructTreeRoot"])
    return found


def test_taglines_carry_their_language_headers_their_scope_and_files_appear_once(prescriber):
    req = submitted_request(prescriber, approvable_case()).request
    pdf = letters.render_member_pdf(Determination.objects.get(request=req))
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    tree = elements(catalog)

    languages = [str(e["/Lang"]) for e in tree if e["/S"] == "/P" and "/Lang" in e]
    assert languages == [t.code for t in TAGLINES]
    assert {"zh-Hant", "es", "ar", "nv"} <= set(languages)

    scopes = [str(e["/A"]["/Scope"]) for e in tree if e["/S"] == "/TH"]
    # The approval's column headers (authorization 6, dose and kit 6, site 4),
    # the facts table's 8 row headers.
    assert scopes.count("/Column") == 6 + 6 + 4 and scopes.count("/Row") == 8

    files = [str(spec.get_object()["/F"]) for spec in catalog["/AF"]]
    assert sorted(files) == ["ClaimResponse.json", "QuestionnaireResponse.json"]


def test_information_letters_carry_their_json_files_too(prescriber, reviewer):
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    ir = information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"], message="Please send the report.")
    for copy in (letters.PRESCRIBER, letters.MEMBER):
        reader = PdfReader(io.BytesIO(letters.render_information_pdf(ir, copy)))
        assert sorted(reader.attachments) == ["ClaimResponse.json", "QuestionnaireResponse.json"]
        claim = json.loads(reader.attachments["ClaimResponse.json"][0])
        assert claim["resourceType"] == "ClaimResponse"
