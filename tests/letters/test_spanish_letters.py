"""Letters in the member's language (issue 21): a member whose roster language
is Spanish gets the member's copies in Spanish through Django's translation
machinery (letters/language.py, authorizations/locale/es); the prescriber's
copy, and every English-speaking member's, stay English. Each reason keeps
the policy's English words, marked lang en, beside its plain Spanish
sentence; the engine's finding, the documentation that could change it and
the criteria's names are Spanish (letters/findings.py), so the only English
left, and the only /Lang en spans, are the policy's quoted words. One real
render per letter kind read with pypdf (pended and denial from one request,
approval, information); the appeal letters are read as the HTML given to
WeasyPrint."""

from __future__ import annotations

import gettext
import io
import re

import pytest
import textstat
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from authorizations.appeals.services import appeal_decide, appeal_record
from authorizations.core import deadlines
from authorizations.letters import rendering as letters
from authorizations.letters.language import clock_words, language_of
from authorizations.letters.member import plan_rights
from authorizations.letters.services import information_member_copy
from authorizations.members import roster_csv
from authorizations.models import Letter, LetterKind, MemberCopy
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request
from tests.cases import AS_OF, long_date
from tests.factories import approvable_case, make_reviewer
from tests.letters.pdf_language import assert_only_policy_quotes_in_english

pytestmark = pytest.mark.django_db

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


def spanish_date(day) -> str:
    """A date as a Spanish letter prints it: 27 de noviembre de 2026."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


PO = settings.BASE_DIR / "authorizations" / "locale" / "es" / "LC_MESSAGES" / "django.po"
SPANISH = {"member_id": "ES-1", "patient_first_name": "Lucía", "patient_last_name": "Ortega"}
ENGLISH = {"member_id": "EN-1", "patient_first_name": "Ada", "patient_last_name": "Quinlan"}
# What every Spanish member letter says (the fixed text, translated).
EVERY_SPANISH_LETTER = ["Copia del miembro", "Estimado(a) Lucía Ortega:", "Su médico",
                        "(TTY 711)", "Ayuda para personas con discapacidades",
                        "Aviso de no discriminación", "leyes federales de derechos civiles",
                        "Fecha de nacimiento", "Política de cobertura"]
# English fixed text that must not be left in a Spanish letter.
NEVER_IN_SPANISH = ["Dear ", "Member's copy", "Your doctor", "Nondiscrimination notice",
                    "You can appeal", "In plain words", "Denial code:", "November"]


@pytest.fixture
def roster(tmp_path):
    lines = [",".join(roster_csv.COLUMNS)]
    for member, language in ((SPANISH, "es"), (ENGLISH, "en")):
        lines.append(",".join([member["member_id"], member["patient_first_name"],
                               member["patient_last_name"], "1985-04-12", "employer_erisa",
                               "IL", language, "1 Elm St", "", "Springfield", "62701"]))
    path = tmp_path / "members.csv"
    path.write_text("\n".join(lines) + "\n")
    call_command("import_members", str(path))


def read(pdf) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader


def languages_of_spans(reader: PdfReader) -> list[str]:
    """The /Lang of every /Span structure element that has one."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "get"):
            continue
        if node.get("/S") == "/Span" and "/Lang" in node:
            found.append(str(node["/Lang"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def assert_spanish(text: str) -> None:
    for expected in EVERY_SPANISH_LETTER:
        assert expected in text, expected
    for never in NEVER_IN_SPANISH:
        assert never not in text, never


def test_a_language_with_a_catalogue_is_used_and_any_other_is_english():
    assert language_of("es") == "es" and language_of("es-MX") == "es"
    # Django ships French for its own messages; the letters have no French catalogue.
    assert language_of("fr") == "en"
    assert language_of("en") == "en" and language_of("") == "en" and language_of(None) == "en"


def test_each_plan_types_help_and_the_clocks_in_spanish_and_unchanged_in_english():
    with translation.override("es"):
        assert plan_rights("individual_exchange")["helpers"] == [
            "el departamento de seguros de su estado o su programa de ayuda al consumidor",
            "el Mercado de Seguros Médicos en CuidadoDeSalud.gov o al 1-800-318-2596 "
            "(TTY 1-855-889-4325)"]
        assert plan_rights(None)["helpers"][1].startswith(
            "si su plan se rige por la ley ERISA, la Administración de Seguridad")
        words = clock_words()
        assert (words["appeal_filing"], words["expedited_appeal"],
                words["external_review_filing"]) == ("180 días", "72 horas", "4 meses")
    with translation.override("en"):
        assert clock_words() == deadlines.WORDS
        assert plan_rights("individual_exchange", copy_is_member=False)["helpers"][0] == \
            "the member's state's department of insurance or its consumer assistance program"


def _po_entries() -> list[dict[str, str]]:
    """The catalogue's entries: msgid, msgstr (each plural form), flags."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match[1]
                entry[key] = match[2]
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        if entry.get("msgid"):
            entries.append({k: v.encode().decode("unicode_escape").encode("latin-1")
                            .decode("utf-8") if k != "flags" else v for k, v in entry.items()})
    return entries


def test_every_message_is_translated_and_the_committed_mo_is_the_po_compiled():
    entries = _po_entries()
    assert len(entries) > 200
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        forms = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert forms and all(forms), entry["msgid"]
    # The .mo the service reads (committed: see README, Translations) holds exactly
    # the .po's translations.
    with PO.with_suffix(".mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    expected = {}
    for entry in entries:
        msgid = entry["msgid"] if "msgctxt" not in entry else \
            f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            for n in (0, 1):
                expected[(msgid, n)] = entry[f"msgstr[{n}]"]
        else:
            expected[msgid] = entry["msgstr"]
    assert {k: v for k, v in catalog.items() if k != ""} == expected


@pytest.fixture
def html_of_each_pdf(monkeypatch):
    """The HTML of each letter rendered, beside its real PDF."""
    pages: list[str] = []
    write = letters._write_pdf

    def spy(html: str, insert_html: str = "", **options) -> bytes:
        pages.append(html + insert_html)  # the letter's pages and the insert after them
        return write(html, insert_html, **options)

    monkeypatch.setattr(letters, "_write_pdf", spy)
    return pages


@pytest.mark.real_letters
def test_pended_and_denied_in_spanish_with_the_policys_english_words(
        roster, prescriber, reviewer, submit, keep_pdf, django_capture_on_commit_callbacks,
        html_of_each_pdf):
    req = submit(prescriber, approvable_case(hbsag="positive", aav5_nab_titer=900, **SPANISH))
    pended = Letter.objects.get(determination__request=req, kind=LetterKind.PENDED)
    text, reader = read(MemberCopy.objects.get(letter=pended).pdf)
    keep_pdf("es-pended-member", MemberCopy.objects.get(letter=pended).pdf)
    assert_spanish(text)
    assert "No es una denegación." in text
    assert "Recibirá nuestra decisión a más tardar el" in text
    assert "Reglas que su solicitud todavía no cumple" in text
    assert spanish_date(AS_OF) in text
    assert reader.trailer["/Root"]["/Lang"] == "es"
    # What we found and what could change it: the engine's words, in Spanish.
    assert "Lo que encontramos: Antígeno de superficie de la hepatitis B (HBsAg) positivo." \
        in text
    assert "Lo que encontramos: El título de anticuerpos contra AAV5 de 1:900 es mayor que " \
           "1:678. En el estudio principal (HOPE-B), 1:678 fue el título más alto" in text
    assert "Qué podría cambiar esto: El resultado del antígeno de superficie de la hepatitis " \
           "B." in text
    for english in ("HBsAg positive", "Anti-AAV5 titer", "pivotal trial", "surface antigen "
                    "result", "encontramos (en inglés)"):
        assert english not in text, english
    # The policy's words, still quoted in English.
    assert "The patient's hepatitis B surface antigen is negative" in text
    member_html = next(h for h in reversed(html_of_each_pdf) if '<html lang="es">' in h)
    assert_only_policy_quotes_in_english(member_html, reader)

    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    denial = Letter.objects.get(determination__request=req, kind=LetterKind.DENIAL)
    text, reader = read(MemberCopy.objects.get(letter=denial).pdf)
    keep_pdf("es-denial-member", MemberCopy.objects.get(letter=denial).pdf)
    assert_spanish(text)
    assert "Denegado." in text and "Usted puede apelar" in text
    # Each reason: the policy's English words as quoted, its plain Spanish sentence,
    # the denial code's meaning in Spanish, what would change it.
    assert "neutralizing antibodies to the adenovirus vector" in text
    assert "La política dice (en inglés):" in text
    assert "Usted no debe tener una infección activa de hepatitis B." in text
    assert "anticuerpos neutralizantes contra AAV5" in text
    assert "Código de denegación: HGX-12, Infección activa de hepatitis B." in text
    assert "Por qué no se cumplió: Antígeno de superficie de la hepatitis B (HBsAg) " \
           "positivo." in text
    assert "Qué podría cambiar esta decisión: El resultado del antígeno de superficie de la " \
           "hepatitis B." in text
    # (The reviewer's rationale, "HBsAg positive.", is the reviewer's own words.)
    assert "Anti-AAV5 titer" not in text and "surface antigen result" not in text
    assert "Una nueva prueba de anticuerpos neutralizantes contra AAV5, hecha con la prueba " \
           "de CSL Behring, que muestre un título de 1:678 o menos. La prueba que mostró " \
           "1:900 no puede cambiar esta decisión." in text
    # The appeal, external review and plan-type rights, in Spanish.
    assert "Usted tiene 180 días para apelar. Los 180 días empiezan el día en que recibe " \
           "esta carta. Contamos ese día como 5 días después" in text
    assert "Decidimos una apelación en un plazo de 30 días" in text
    assert "Su plan está cubierto por una ley federal llamada ERISA" in text
    assert "Administración de Seguridad de Beneficios del Empleado (EBSA)" in text
    # The document is Spanish; the English it quotes is marked English.
    assert reader.trailer["/Root"]["/Lang"] == "es"
    member_html = next(h for h in reversed(html_of_each_pdf) if '<html lang="es">' in h)
    assert_only_policy_quotes_in_english(member_html, reader)
    assert languages_of_spans(reader).count("en") >= 3  # the title and the two criteria
    # The prescriber's copy stays English.
    prescriber_text, prescriber_reader = read(denial.pdf)
    assert "Prescriber's copy" in prescriber_text and "Denial code: HGX-12" in prescriber_text
    assert "Not met because: HBsAg positive." in prescriber_text
    assert "Antígeno" not in prescriber_text
    assert long_date(AS_OF) in prescriber_text and "Denegado" not in prescriber_text
    assert prescriber_reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.real_letters(copies=["member"])
def test_approved_in_spanish(roster, prescriber, submit, keep_pdf):
    req = submit(prescriber, approvable_case(**SPANISH))
    letter = Letter.objects.get(determination__request=req)
    assert letter.kind == LetterKind.APPROVAL
    text, reader = read(MemberCopy.objects.get(letter=letter).pdf)
    keep_pdf("es-approval-member", MemberCopy.objects.get(letter=letter).pdf)
    assert_spanish(text)
    assert "Aprobado. Aprobamos Hemgenix" in text and req.authorization.number in text
    assert "Lo que está autorizado" in text and "copias del genoma por kg" in text
    assert "Su médico aceptó revisar su hígado (ALT y AST)" in text
    assert "No lo pediremos más de dos veces al año, durante un máximo de 5 años" in text
    assert reader.metadata.title == f"Autorización previa aprobada: {req.number}"
    assert reader.trailer["/Root"]["/Lang"] == "es"


@pytest.mark.real_letters(kinds=["info"], copies=["member"])
def test_information_letter_in_spanish_names_the_criteria_in_spanish(
        roster, prescriber, reviewer, submit, keep_pdf, html_of_each_pdf):
    req = submit(prescriber, approvable_case(aav5_nab_titer=900, prior_gene_therapy=True,
                                             **SPANISH))
    ir = information_request(by=reviewer, req=req,
                             criteria=["aav5_antibodies", "prior_gene_therapy"],
                             document_kinds=["aav5_antibody"], message="A repeat AAV5 test.")
    pdf = information_member_copy(ir).pdf
    keep_pdf("es-information-member", pdf)
    text, reader = read(pdf)
    assert_spanish(text)
    assert "Sobre estas reglas: Anticuerpos contra AAV5; Terapia génica previa." in text
    assert "AAV5 antibodies" not in text and "Prior gene therapy" not in text
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert_only_policy_quotes_in_english(html_of_each_pdf[-1], reader)


@pytest.fixture
def html_given_to_weasyprint(monkeypatch):
    """Each letter's HTML, instead of its PDF (no WeasyPrint: these read the words)."""
    pages: list[str] = []

    def capture(html: str, insert_html: str = "", **options) -> bytes:
        pages.append(html + insert_html)  # the letter's pages and the insert after them
        return b"%PDF-1.7 stand-in " + str(len(pages)).encode()

    monkeypatch.setattr(letters, "_write_pdf", capture)
    return pages


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"')


def test_appeal_and_information_letters_in_spanish_and_an_english_member_unchanged(
        roster, prescriber, reviewer, submit, html_given_to_weasyprint,
        django_capture_on_commit_callbacks):
    pages = html_given_to_weasyprint
    req = submit(prescriber, approvable_case(hbsag="positive", hepatitis_antiviral_therapy=True,
                                             **SPANISH))
    ir = information_request(by=reviewer, req=req,
                             criteria=["hepatitis_b", "hepatitis_antiviral_therapy"],
                             document_kinds=["viral_tests"], message="The HBV DNA result.")
    information_member_copy(ir)
    information = _text(pages[-1])
    assert '<html lang="es">' in pages[-1]
    assert "Necesitamos más información para decidir su solicitud" in information
    assert "Pruebas de virus" in information and "Cómo responder" in information
    # The criteria's names in Spanish; nothing of the body left in English.
    assert "Sobre estas reglas: Hepatitis B; Tratamiento antiviral para la hepatitis." \
        in information
    assert "Hepatitis antiviral therapy" not in information
    assert_only_policy_quotes_in_english(pages[-1])  # the policy's title

    req = submit(prescriber, approvable_case(hbsag="positive", **SPANISH))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    second = make_reviewer("reviewer-2", credentials="MD")
    appeal = appeal_record(by=second, req=req, claimant="member", received_via="mail",
                           received_at=timezone.now(), statement="Mi nueva prueba.",
                           expedited=False)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(by=make_reviewer("reviewer-3", credentials="MD"), appeal=appeal,
                      overturn=False, rationale="Sigue positivo.")
    prescriber_copy, member_copy = pages[-2:]
    upheld = _text(member_copy)
    assert '<html lang="es">' in member_copy and '<html lang="en">' in prescriber_copy
    assert f"Usted apeló el {spanish_date(AS_OF)}, por correo." in upheld
    assert "Se mantiene la denegación en la apelación." in upheld
    assert "Otras formas de resolver esto" in upheld and "la mediación" in upheld
    assert f"The member appealed the denial of {long_date(AS_OF)}" in _text(prescriber_copy)

    # An English-speaking member's copy: English, as before.
    submit(prescriber, approvable_case(**ENGLISH))
    english = pages[-1]
    assert '<html lang="en">' in english and "Dear Ada Quinlan:" in _text(english)
    assert "We approve" in _text(english) and "Aprobamos" not in english


def test_the_spanish_prose_is_plain(roster, prescriber, reviewer, submit,
                                    html_given_to_weasyprint,
                                    django_capture_on_commit_callbacks):
    """The Spanish letters' own prose reads easily: Fernández-Huerta (Flesch's
    formula for Spanish) 70 or more is "fairly easy" (about grade 7), measured on
    the pended, denial and approval letters."""
    pages = html_given_to_weasyprint
    req = submit(prescriber, approvable_case(hbsag="positive", **SPANISH))
    pended = pages[-1]
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    denial = pages[-1]
    submit(prescriber, approvable_case(**SPANISH))
    approval = pages[-1]
    textstat.set_lang("es")
    try:
        for html in (pended, denial, approval):
            # Its own words: without the English it quotes, the letterhead and the taglines.
            own = re.sub(r'<span[^>]*lang="en".*?</span></span>', " ", html, flags=re.S)
            own = _text(own.split('<div class="tagline-list">')[0].split("<h1>", 1)[1])
            assert textstat.fernandez_huerta(own) >= 70, own[:80]
    finally:
        textstat.set_lang("en_US")
