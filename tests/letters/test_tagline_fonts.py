"""No empty boxes: every character of every tagline is in the cmap of a font
the letter's PDF embeds, the CJK, Arabic-script and Navajo taglines included.

fontTools reads each embedded font program's cmap. A shaped script (Arabic,
Persian) prints its letters in their joined forms, and the embedded subset
keeps only the glyphs printed, so its cmap may lack a letter's isolated code
point: for those, the cmap read is the full program of the same font (by its
name, from the installed fonts: the program the subset was cut from).

The CJK taglines' fonts are cut from Noto Sans CJK once, into the project
(letters/tagline_fonts.py): each must hold every character its tagline can
print, with any phone number, before a letter is rendered."""

import io
import subprocess
from functools import cache

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from authorizations.letters import rendering as letters
from authorizations.letters import tagline_fonts
from authorizations.letters.taglines import TAGLINES, taglines
from authorizations.models import Determination
from tests.factories import approvable_case, submitted_request

pytestmark = [pytest.mark.django_db, pytest.mark.real_letters]

# Characters that shape text without a glyph of their own: the bidi isolates
# around a phone number in right-to-left taglines.
FORMAT_CHARACTERS = {"\u2066", "\u2069"}


def embedded_fonts(pdf: bytes) -> dict[str, set[int]]:
    """Each embedded font program's name and the code points its cmap maps."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            for described in ([d.get_object() for d in descendants] if descendants else [font]):
                descriptor = described["/FontDescriptor"].get_object()
                for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if key in descriptor:
                        program = TTFont(io.BytesIO(descriptor[key].get_object().get_data()))
                        fonts[str(described["/BaseFont"])] = set(program.getBestCmap() or {})
    return fonts


@cache
def installed_cmap(embedded_name: str) -> frozenset[int]:
    """The code points of the installed font WeasyPrint embedded as
    "FAMILY-WORDS-STYLE" (e.g. DejaVu-Sans-Oblique, Noto-Sans-CJK-TC)."""
    words = embedded_name.split("-")
    for cut in range(len(words), 0, -1):
        family, style = " ".join(words[:cut]), " ".join(words[cut:])
        listing = subprocess.run(["fc-list", f":family={family}", "file", "index", "style"],
                                 capture_output=True, text=True, check=True).stdout
        for line in listing.splitlines():
            path, _, rest = line.partition(": ")
            index = int(rest.split("index=")[1].split(":")[0]) if "index=" in rest else 0
            # The style's first (English) name: "Book", "Oblique", not "Condensed Oblique".
            first = rest.split("style=")[1].split(":")[0].split(",")[0] if "style=" in rest else ""
            if first == style or (not style and first in {"Book", "Regular"}):
                return frozenset(TTFont(path, fontNumber=index).getBestCmap())
    return frozenset()


def test_every_tagline_character_is_in_an_embedded_fonts_cmap(prescriber, settings):
    settings.PAYER_PHONE = "1-800-555-0123"
    req = submitted_request(prescriber, approvable_case()).request
    pdf = letters.render_member_pdf(Determination.objects.get(request=req))
    fonts = embedded_fonts(pdf)
    # The CJK taglines print in the fonts cut for them (letters/tagline_fonts.py),
    # never in the system's Noto Sans CJK: WeasyPrint falls back to it only for a
    # character a cut font lacks, and that fallback costs a letter a third of its render time.
    cut = {font.family.replace(" ", "-") for font in tagline_fonts.FONTS}
    assert cut <= {name.lstrip("/").split("+", 1)[-1] for name in fonts}, sorted(fonts)
    assert not any("Noto-Sans-CJK" in name for name in fonts), sorted(fonts)
    covered = set().union(*fonts.values(), *(
        installed_cmap(name.lstrip("/").split("+", 1)[-1]) for name in fonts))
    assert {t.code for t in TAGLINES} >= {"zh-Hant", "ko", "ja", "vi", "tl", "nv"}
    for tagline in taglines(settings.PAYER_PHONE):
        missing = sorted({c for c in tagline["text"] if not c.isspace()}
                         - FORMAT_CHARACTERS - {chr(cp) for cp in covered})
        assert missing == [], f"{tagline['language']}: {missing}"



PHONES = ("1-800-555-0123", "+1 (800) 555-0123 ext. 45", "1.800.555.0123", "")


@pytest.mark.parametrize("font", tagline_fonts.FONTS, ids=lambda font: font.language)
def test_each_cut_tagline_font_holds_its_taglines_characters(font):
    cmap = TTFont(font.path).getBestCmap()
    for phone in PHONES:
        tagline = next(t for t in taglines(phone) if t["code"] == font.language)
        missing = sorted({c for c in tagline["text"] if not c.isspace()}
                         - FORMAT_CHARACTERS - {chr(cp) for cp in cmap})
        assert missing == [], f"{font.file} lacks {missing}: run `make tagline-fonts`"


def test_the_cut_fonts_carry_their_own_names_and_the_licence():
    licence = (tagline_fonts.FONTS_DIR / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name 'Source'" in licence
    for font in tagline_fonts.FONTS:
        names = TTFont(font.path)["name"]
        assert names.getDebugName(1) == font.family
        # A Modified Version may not use the Reserved Font Name (OFL 1.1, condition 3).
        assert "Source" not in names.getDebugName(1) + names.getDebugName(6)
        assert "Adobe" in names.getDebugName(0)
        assert "Open Font License" in names.getDebugName(13)
