"""What a tagged letter marks English: the text of each /Span structure
element with /Lang en, read from the marked content (MCIDs) it points to, and
the HTML's elements marked lang="en"."""

from __future__ import annotations

import re

from pypdf import PdfReader


def _marked_text(reader: PdfReader) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID)."""
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts[(index, mcid)] = texts.get((index, mcid), "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def english_span_texts(reader: PdfReader) -> list[str]:
    """The text under each /Span marked /Lang en, in document order."""
    texts = _marked_text(reader)
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}

    def kids(node):
        k = node.get("/K")
        return k if isinstance(k, list) else [] if k is None else [k]

    def collect(node, page) -> str:
        node = node.get_object()
        page = node.get("/Pg", page)
        out = ""
        for kid in kids(node):
            if isinstance(kid, int):
                out += texts.get((pages[page.idnum], kid), "")
                continue
            kid = kid.get_object()
            if kid.get("/Type") == "/MCR":
                out += texts.get((pages[kid.get("/Pg", page).idnum], kid["/MCID"]), "")
            elif hasattr(kid, "get"):
                out += collect(kid, page)
        return out

    found: list[str] = []

    def walk(node, page=None) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        page = node.get("/Pg", page)
        if node.get("/S") == "/Span" and node.get("/Lang") == "en":
            found.append(" ".join(collect(node, page).split()))
        for kid in kids(node):
            if not isinstance(kid, int):
                walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


ENGLISH_ELEMENT = re.compile(r'<(\w+)([^>]*)\blang="en"([^>]*)>')


def english_elements(html: str) -> list[str]:
    """The attributes of every element of a letter's body marked lang="en" (the
    taglines apart: each is in its own language)."""
    body = html.split("<body", 1)[1].split('<div class="tagline-list">')[0]
    return [f"{m[1]}{m[2]}{m[3]}" for m in ENGLISH_ELEMENT.finditer(body)]


def assert_only_policy_quotes_in_english(html: str, reader: PdfReader | None = None) -> None:
    """Every English element of a Spanish member letter is a quotation of the
    policy, and all the PDF tags /Lang en is the text of those quotations."""
    english = english_elements(html)
    assert english and all('class="policy-words"' in e for e in english), english
    if reader is None:
        return
    quoted = re.findall(r'<span class="policy-words" lang="en"><span>(.*?)</span></span>',
                        html.replace("&quot;", '"').replace("&#x27;", "'"), flags=re.S)
    quotes = " ".join(" ".join(q.split()) for q in quoted)
    spans = english_span_texts(reader)
    assert spans and all(span in quotes for span in spans), [
        span for span in spans if span not in quotes]
