"""The CJK taglines' fonts, cut once from Noto Sans CJK to the characters the
taglines can print (issue 21, a letter's render time).

WeasyPrint subsets every font a PDF uses on each render, keeping glyph ids:
each face of the system's Noto Sans CJK collection (65,000 glyphs, 19 MB)
went into the PDF with metrics tables as long as its highest glyph id used
(766 KB before compression, 140 KB after), and reading, subsetting and
compressing them cost a letter about a third of its render time (100 of 290
ms). These fonts hold only the glyphs of the Chinese, Korean and Japanese
taglines (both wordings, with or without the configured phone number) and
printable ASCII (a number in any form): 20 to 34 KB each, 5 to 8 KB in a PDF.

They are a Modified Version under the SIL Open Font License 1.1 (OFL.txt beside
them): renamed, since upstream reserves the name "Source" and Noto is Google's
trademark, and never sold by themselves. `manage.py tagline_fonts` (make
tagline-fonts) cuts them again after a tagline changes; the tests fail until
then (tests/letters/test_tagline_fonts.py).
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from authorizations.letters.taglines import TAGLINES, Tagline

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
# Debian's fonts-noto-cjk (bin/install-system-packages): one collection, a face per region.
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# Printable ASCII: the configured phone number, whatever its form, and the
# Latin a CJK tagline may quote, print in the tagline's own face.
ASCII = string.printable.strip()


@dataclass(frozen=True)
class TaglineFont:
    family: str  # the name letter.css gives it (its own: a Modified Version is renamed)
    file: str  # under FONTS_DIR
    source_family: str  # the face of SOURCE it is cut from
    language: str  # the tagline it prints (BCP 47, as taglines.py)

    @property
    def path(self) -> Path:
        return FONTS_DIR / self.file


FONTS = (
    TaglineFont("Hemgenix Taglines TC", "HemgenixTaglines-TC.otf", "Noto Sans CJK TC", "zh-Hant"),
    TaglineFont("Hemgenix Taglines KR", "HemgenixTaglines-KR.otf", "Noto Sans CJK KR", "ko"),
    TaglineFont("Hemgenix Taglines JP", "HemgenixTaglines-JP.otf", "Noto Sans CJK JP", "ja"),
)


def characters(language: str) -> set[str]:
    """What the tagline in `language` can print: both wordings, and ASCII."""
    tagline: Tagline = next(t for t in TAGLINES if t.code == language)
    text = tagline.call.replace("{phone}", "") + tagline.call_id_card
    return {c for c in text + ASCII if not c.isspace()} | {" "}


def _face(family: str) -> int:
    """The index in SOURCE of the face named `family`."""
    for index in range(16):
        names = TTFont(SOURCE, fontNumber=index, lazy=True)["name"]
        if names.getDebugName(1) == family:
            return index
    raise LookupError(f"{family} is not in {SOURCE}")


def _rename(font: TTFont, family: str) -> None:
    """Give the cut font its own names (OFL 1.1, a Modified Version), keeping
    the copyright, the licence and its address (name ids 0, 13, 14)."""
    names = font["name"]
    postscript = family.replace(" ", "") + "-Regular"
    for record in names.names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 3:
            record.string = f"{postscript};cut from {names.getDebugName(3)}"
        elif record.nameID == 6:
            record.string = postscript
    # The CFF's own names (its Notice, the copyright, stays).
    cff = font["CFF "].cff
    old = cff.fontNames[0]
    cff.fontNames = [postscript]
    top = cff.topDictIndex[0]
    top.FullName = family
    top.FamilyName = family
    for private in getattr(top, "FDArray", []):
        private.FontName = private.FontName.replace(old, postscript)


def cut(font: TaglineFont) -> bytes:
    """The font `font` names, cut from SOURCE to its tagline's characters."""
    options = subset.Options()
    # Every name id: the copyright and licence go with the font.
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters(font.language))))
    source = TTFont(SOURCE, fontNumber=_face(font.source_family), recalcTimestamp=False)
    subsetter.subset(source)
    _rename(source, font.family)
    out = io.BytesIO()
    source.save(out)
    return out.getvalue()


def write_all() -> list[Path]:
    """Cut every tagline font again into FONTS_DIR; the paths written."""
    FONTS_DIR.mkdir(exist_ok=True)
    written = []
    for font in FONTS:
        font.path.write_bytes(cut(font))
        written.append(font.path)
    return written
