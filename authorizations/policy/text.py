"""What a name may not hold: the Unicode controls that reorder how text is
shown (bidirectional embeddings, overrides and isolates, and the invisible
direction marks). In a name they can make a letter, a list or the audit log
show something other than what is stored ("Trojan Source"), so they are
refused with a message, never silently dropped."""

from __future__ import annotations

# U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, U+200E/F marks.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f"])
BIDI_MESSAGE = ("must not contain characters that change the direction of text "
                "(Unicode bidirectional controls)")


def has_bidi_control(text: str) -> bool:
    return not BIDI_CONTROLS.isdisjoint(text)
