"""The letters' user-agent stylesheet (letters/reuse.py): WeasyPrint's own less
the rules no letter uses, so a WeasyPrint upgrade that rewords them shows
here (the letters would still print the same, only slower)."""

from weasyprint import html as weasyprint_html

from authorizations.letters import reuse

FOOTER = """<style>@page { size: Letter;
  @bottom-left { content: "PA-0000001 \\2022  Confidential" }
  @bottom-right { content: "Page " counter(page) " of " counter(pages) } }</style>"""


def test_the_letters_skip_only_the_notes_and_the_unused_page_margin_boxes():
    sheet = reuse._letter_ua_stylesheet()
    assert sheet is not weasyprint_html.UA_STYLESHEET  # the 20 rules were found
    text, removed = reuse._UNUSED_UA_RULES.subn("", weasyprint_html.UA)
    assert removed == 20
    for kept in ("@bottom-left ", "@bottom-center ", "@bottom-right ", "br::before", "::marker"):
        assert kept in text, kept
    for dropped in ("::footnote-call", "::note-call", "@top-center", "@note-area"):
        assert dropped not in text, dropped


def test_a_letter_page_still_prints_its_footer_and_lists(read_pdf):
    html = f"""<!DOCTYPE html><html lang="en"><head>{FOOTER}</head><body>
    <p>Dear member:</p><ol><li>First reason</li><li>Second reason</li></ol></body></html>"""
    pdf = reuse.LetterHTML(string=html).write_pdf(font_config=reuse.font_config())

    text = read_pdf(pdf)
    assert "PA-0000001 • Confidential" in text
    assert "Page 1 of 1" in text
    # pypdf reads the list's numbers after the items' text.
    assert "First reason Second reason 1. 2." in text
