"""What a tagged letter marks English: the text of each /Span structure
element with /Lang en, read from the marked content (MCIDs) it points to."""

from __future__ import annotations

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
